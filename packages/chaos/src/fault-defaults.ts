/** What a spec means when it leaves an optional field out (shared by describe, validate and the actions). */
export const DEFAULT_LEAVE_FREE_MIB = 8;
/** A hog ends by itself even if nobody heals it (a crashed run must not burn a node forever). */
export const DEFAULT_CPU_HOG_SECONDS = 600;
