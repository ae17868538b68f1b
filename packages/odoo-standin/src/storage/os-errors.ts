import { OdooError } from "../rpc/errors.ts";

/**
 * File-system failures as Python's OSError family reports them, e.g.
 *   builtins.OSError: [Errno 107] Transport endpoint is not connected: '/var/lib/odoo/filestore/lab/3f'
 * which is what a real Odoo answers when its shared data_dir (GlusterFS...) is gone.
 */

interface ErrnoInfo {
  errno: number;
  strerror: string;
  pythonClass: string;
}

const ERRNO: Record<string, ErrnoInfo> = {
  EPERM: { errno: 1, strerror: "Operation not permitted", pythonClass: "PermissionError" },
  ENOENT: { errno: 2, strerror: "No such file or directory", pythonClass: "FileNotFoundError" },
  EIO: { errno: 5, strerror: "Input/output error", pythonClass: "OSError" },
  EACCES: { errno: 13, strerror: "Permission denied", pythonClass: "PermissionError" },
  EEXIST: { errno: 17, strerror: "File exists", pythonClass: "FileExistsError" },
  ENOTDIR: { errno: 20, strerror: "Not a directory", pythonClass: "NotADirectoryError" },
  EISDIR: { errno: 21, strerror: "Is a directory", pythonClass: "IsADirectoryError" },
  ENOSPC: { errno: 28, strerror: "No space left on device", pythonClass: "OSError" },
  EROFS: { errno: 30, strerror: "Read-only file system", pythonClass: "OSError" },
  ENOTCONN: { errno: 107, strerror: "Transport endpoint is not connected", pythonClass: "OSError" },
  ETIMEDOUT: { errno: 110, strerror: "Connection timed out", pythonClass: "TimeoutError" },
  ESTALE: { errno: 116, strerror: "Stale file handle", pythonClass: "OSError" },
};

export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const candidate = error as NodeJS.ErrnoException | undefined;
  return typeof candidate?.code === "string" && typeof candidate.syscall === "string";
}

export function fileSystemErrorToOdoo(error: NodeJS.ErrnoException): OdooError {
  const info = ERRNO[error.code ?? ""];
  const path = error.path !== undefined ? `: '${error.path}'` : "";
  if (!info) return new OdooError("builtins.OSError", `[${error.code ?? "?"}] ${error.message}`);
  return new OdooError(`builtins.${info.pythonClass}`, `[Errno ${info.errno}] ${info.strerror}${path}`);
}

/** A stand-in for a hung mount: Node cannot cancel the call, but the request must not hang. */
export function fileSystemTimeout(path: string, milliseconds: number): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`file operation on ${path} did not finish within ${milliseconds} ms`);
  error.code = "ETIMEDOUT";
  error.syscall = "io";
  error.path = path;
  return error;
}
