/**
 * Whole-node faults need the machine layer, not the host's shell: a container is killed by the engine,
 * a real server by a power-off command. Each target implements this (Docker: kill/stop/start/pause).
 */
export type NodePowerState = "running" | "paused" | "stopped" | "absent";

export interface NodeControl {
  /** Hard power-off: SIGKILL every process, no shutdown (docker kill; a PDU/IPMI off on hardware). */
  kill(node: string): Promise<void>;
  /**
   * A power cut: the node goes dark at once and closes nothing, so no peer hears a FIN or RST from
   * it (they learn from their own timeouts and keepalives). On hardware that is the power-off
   * itself; a killed container's kernel would still close its processes' connections.
   */
  powerCut(node: string): Promise<void>;
  /** Clean shutdown. */
  stop(node: string): Promise<void>;
  /** Power on / boot; services come back through the service manager, as after a reboot. */
  start(node: string): Promise<void>;
  /** Freeze every process (a hung node: it still holds its address but answers nothing). */
  pause(node: string): Promise<void>;
  unpause(node: string): Promise<void>;
  state(node: string): Promise<NodePowerState>;
}
