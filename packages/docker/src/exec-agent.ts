import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import type { ExecOptions, ExecResult } from "@odoo-ha-lab/machine";

/**
 * One `docker exec` per node that runs the node's commands for as long as a converge lasts, in place
 * of one `docker exec` per command. Each exec costs ~50 ms of CPU here (dockerd, containerd, runc
 * setting up the process's namespaces); a command the agent forks costs ~1 ms. A new lab ran ~130
 * execs, on two cores that are busy for the whole `up`.
 *
 * The agent is Python (every node image has it: Patroni, Odoo), reading one request per line on its
 * stdin and answering one line per command on its stdout, each command in its own thread, so that
 * commands on one node run side by side as separate execs did. It runs a command as `docker exec`
 * would: as the user asked (with that user's HOME and groups), with the container's environment
 * and the request's on top, stdin from the request or /dev/null, from `/`. A command that outlives
 * its timeout is killed with its process group (a `docker exec` left it running) and answers 124.
 */
export class ExecAgent {
  private readonly pending = new Map<number, { resolve: (result: ExecResult) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  private buffered = "";
  private agentErrors = "";
  private endedWith: Error | undefined;

  private constructor(
    private readonly stream: Duplex,
    readonly node: string,
  ) {}

  static async start(docker: Dockerode, containerName: string, node: string): Promise<ExecAgent> {
    const exec = await docker.getContainer(containerName).exec({ Cmd: ["python3", "-u", "-c", AGENT_SCRIPT], AttachStdin: true, AttachStdout: true, AttachStderr: true });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    const agent = new ExecAgent(stream, node);
    docker.modem.demuxStream(stream, { write: (chunk: Buffer) => agent.received(chunk.toString()) } as unknown as NodeJS.WritableStream, {
      write: (chunk: Buffer) => (agent.agentErrors = (agent.agentErrors + chunk.toString()).slice(-2000)),
    } as unknown as NodeJS.WritableStream);
    const ended = (cause: string) => agent.ended(new Error(`on ${node}: the command agent ended (${cause})${agent.agentErrors ? `: ${agent.agentErrors.trim()}` : ""}`));
    stream.on("end", () => ended("its container stopped or it exited"));
    stream.on("close", () => ended("its connection closed"));
    stream.on("error", (error) => ended(error.message));
    return agent;
  }

  /** False once the agent's connection ended: the next command needs a new agent. */
  get alive(): boolean {
    return this.endedWith === undefined;
  }

  exec(command: string[], options: ExecOptions = {}): Promise<ExecResult> {
    if (this.endedWith) return Promise.reject(this.endedWith);
    const id = this.nextId++;
    const limit = options.timeoutMs ?? 120_000;
    const request = {
      id,
      argv: command,
      user: options.user ?? "root",
      env: options.env ?? {},
      stdin: options.stdin === undefined ? null : Buffer.from(options.stdin).toString("base64"),
      timeoutSeconds: limit / 1000,
    };
    return new Promise<ExecResult>((resolve, reject) => {
      // The agent answers a command that outlives its timeout itself; this one covers an agent that
      // cannot answer at all (its container paused), as a lone exec's own timeout did.
      const silent = setTimeout(() => {
        this.pending.delete(id);
        resolve({ exitCode: 124, stdout: "", stderr: `(no answer from the command agent on ${this.node} ${AGENT_SLACK_MS} ms after the ${limit} ms timeout)` });
      }, limit + AGENT_SLACK_MS);
      const settle = <T>(finish: (value: T) => void) => (value: T) => {
        clearTimeout(silent);
        finish(value);
      };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.stream.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** Ends the agent: it exits when its stdin closes, after the commands in flight answered. */
  close(): void {
    if (this.endedWith) return;
    this.stream.end();
  }

  private received(text: string): void {
    this.buffered += text;
    let newline: number;
    while ((newline = this.buffered.indexOf("\n")) >= 0) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      const answer = JSON.parse(line) as { id: number; exitCode: number; stdout: string; stderr: string };
      const waiting = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      waiting?.resolve({ exitCode: answer.exitCode, stdout: Buffer.from(answer.stdout, "base64").toString(), stderr: Buffer.from(answer.stderr, "base64").toString() });
    }
  }

  private ended(error: Error): void {
    if (this.endedWith) return;
    this.endedWith = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}

/** How long past a command's timeout the agent's own answer (124) may take to arrive. */
const AGENT_SLACK_MS = 5_000;

const AGENT_SCRIPT = `
import base64, json, os, pwd, signal, subprocess, sys, threading

answering = threading.Lock()

def answer(request, code, stdout=b"", stderr=b""):
    line = json.dumps({"id": request["id"], "exitCode": code, "stdout": base64.b64encode(stdout).decode(), "stderr": base64.b64encode(stderr).decode()})
    with answering:
        sys.stdout.write(line + "\\n")
        sys.stdout.flush()

def run(request):
    env = dict(os.environ)
    identity = {}
    if request["user"] != "root":
        entry = pwd.getpwnam(request["user"])
        env["HOME"] = entry.pw_dir
        identity = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": os.getgrouplist(entry.pw_name, entry.pw_gid)}
    env.update(request["env"])
    data = None if request["stdin"] is None else base64.b64decode(request["stdin"])
    try:
        process = subprocess.Popen(request["argv"], stdin=subprocess.DEVNULL if data is None else subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd="/", start_new_session=True, **identity)
    except FileNotFoundError as error:
        return answer(request, 127, stderr=str(error).encode())
    except (PermissionError, KeyError) as error:
        return answer(request, 126, stderr=str(error).encode())
    try:
        stdout, stderr = process.communicate(data, timeout=request["timeoutSeconds"])
        code = process.returncode
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
        stderr += ("\\n(timed out after %d ms)" % (request["timeoutSeconds"] * 1000)).encode()
        code = 124
    answer(request, 128 - code if code < 0 else code, stdout, stderr)

def serve(request):
    try:
        run(request)
    except Exception as error:
        answer(request, 125, stderr=("the command agent could not run it: %r" % error).encode())

for line in sys.stdin:
    threading.Thread(target=serve, args=(json.loads(line),)).start()
`;
