import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { contextHash, contextTar, REPO_ROOT, type ContextFile } from "./image-context.ts";

/** Build one lab image unless its content-hash tag already exists; stream the build output to a log file. */

export const IMAGE_REPOSITORY = "odoo-ha-lab";
export const IMAGE_LABEL = "odoo-ha-lab.image";
export const BUILD_LOG_DIR = join(REPO_ROOT, ".lab", "logs", "images");

export class ImageBuildError extends Error {
  constructor(
    readonly image: string,
    readonly step: string,
    readonly logPath: string,
    detail: string,
  ) {
    super(
      `Building image ${image} failed at ${step}: ${detail}\n` +
        `Full build output: ${logPath}\n` +
        "If a package could not be downloaded, check that this machine reaches its apt mirror and retry.",
    );
    this.name = "ImageBuildError";
  }
}

export interface ImageRecipe {
  /** Short name: the repository is odoo-ha-lab/<name>, the label odoo-ha-lab.image=<name>. */
  name: string;
  files: ContextFile[];
  /** The build arg that names the parent image (FROM ${...}), and the parent's tag. */
  parentArg: string;
  parent: string;
  /** Other build args (they shape the image, so they are part of its hash). */
  buildArgs?: Record<string, string>;
}

export interface EnsuredImage {
  tag: string;
  built: boolean;
}

export async function ensureBuiltImage(
  docker: Dockerode,
  recipe: ImageRecipe,
  progress: (message: string) => void,
): Promise<EnsuredImage> {
  const started = Date.now();
  const parentId = await imageId(docker, recipe.parent);
  if (!parentId) throw new Error(`Cannot build ${recipe.name}: its parent image ${recipe.parent} does not exist.`);
  const buildargs = { ...recipe.buildArgs, [recipe.parentArg]: recipe.parent };
  // The parent's id, not its tag: rebuilding the parent gives every child a new tag.
  const hash = contextHash(recipe.files, { parentId, buildargs: JSON.stringify(buildargs), label: recipe.name });
  const tag = `${IMAGE_REPOSITORY}/${recipe.name}:${hash}`;

  if (await imageId(docker, tag)) {
    progress(`image ${recipe.name}: cached ${tag}`);
    return { tag, built: false };
  }

  mkdirSync(BUILD_LOG_DIR, { recursive: true });
  const logPath = join(BUILD_LOG_DIR, `${recipe.name}.log`);
  progress(`image ${recipe.name}: building ${tag} (log: ${logPath})`);
  await runBuild(docker, recipe.name, tag, buildargs, recipe.files, logPath, (step) =>
    progress(`image ${recipe.name}: ${step} [${seconds(started)}]`),
  );
  progress(`image ${recipe.name}: built ${tag} in ${seconds(started)}`);
  return { tag, built: true };
}

async function runBuild(
  docker: Dockerode,
  name: string,
  tag: string,
  buildargs: Record<string, string>,
  files: ContextFile[],
  logPath: string,
  onStep: (step: string) => void,
): Promise<void> {
  const log = createWriteStream(logPath);
  let step = "the start of the build";
  let failure: string | undefined;
  try {
    const stream = await docker.buildImage(contextTar(files), {
      t: tag,
      buildargs,
      labels: { [IMAGE_LABEL]: name },
      rm: true,
      forcerm: true,
    });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error) => (error ? reject(error) : resolve()),
        (event: { stream?: string; error?: string; errorDetail?: { message?: string } }) => {
          if (event.stream) {
            log.write(event.stream);
            const stepLine = /^Step \d+\/\d+ : .*/m.exec(event.stream)?.[0];
            if (stepLine) {
              step = stepLine.length > 160 ? `${stepLine.slice(0, 160)}…` : stepLine;
              onStep(step);
            }
          }
          if (event.error) {
            failure = event.errorDetail?.message ?? event.error;
            log.write(`ERROR: ${failure}\n`);
          }
        },
      );
    });
  } catch (error) {
    failure ??= (error as Error).message;
  } finally {
    await new Promise((resolve) => log.end(resolve));
  }
  if (failure === undefined && !(await imageId(docker, tag))) failure = "the daemon reported no error, yet the image is missing";
  if (failure !== undefined) throw new ImageBuildError(name, step, logPath, `${failure}\n${lastLines(logPath, 12)}`);
}

/** Pull an image; false (not an error) when the registry cannot be reached within the timeout. */
export async function tryPull(docker: Dockerode, image: string, timeoutMs: number): Promise<boolean> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const stream = await docker.pull(image, { abortSignal: abort.signal });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(stream, (error) => (error ? reject(error) : resolve()));
      abort.signal.addEventListener("abort", () => reject(new Error("pull timed out")));
    });
    return (await imageId(docker, image)) !== undefined;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

export async function imageId(docker: Dockerode, name: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(name).inspect()).Id;
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

function lastLines(path: string, count: number): string {
  const lines = readFileSync(path, "utf8").trimEnd().split("\n").slice(-count);
  return lines.map((line) => `  | ${line}`).join("\n");
}

export function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}
