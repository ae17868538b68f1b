/** A small version of Odoo's mimetype guess: from the file name, then from magic bytes. */

const BY_EXTENSION: Record<string, string> = {
  txt: "text/plain",
  csv: "text/csv",
  html: "text/html",
  json: "application/json",
  xml: "application/xml",
  pdf: "application/pdf",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  svg: "image/svg+xml",
  zip: "application/zip",
};

const SIGNATURES: [number[], string][] = [
  [[0x89, 0x50, 0x4e, 0x47], "image/png"],
  [[0x25, 0x50, 0x44, 0x46], "application/pdf"],
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x47, 0x49, 0x46, 0x38], "image/gif"],
  [[0x50, 0x4b, 0x03, 0x04], "application/zip"],
];

export function guessMimetype(name: string | undefined, bytes: Uint8Array): string {
  const extension = name?.includes(".") ? name.split(".").pop()!.toLowerCase() : undefined;
  if (extension && BY_EXTENSION[extension]) return BY_EXTENSION[extension];
  for (const [signature, mimetype] of SIGNATURES) {
    if (signature.every((byte, index) => bytes[index] === byte)) return mimetype;
  }
  return "application/octet-stream";
}
