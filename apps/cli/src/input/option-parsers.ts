import { Role } from "@berth/proto";
import { InvalidArgumentError } from "commander";

/** A `--port` value: 0 (a free port) to 65535. */
export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError("must be a port number 0-65535");
  return n;
}

const roles: Record<string, Role> = { viewer: Role.VIEWER, deployer: Role.DEPLOYER, admin: Role.ADMIN };

/** A `--role` value: viewer, deployer or admin. */
export function parseRole(value: string): Role {
  const role = roles[value];
  if (role === undefined)
    throw new InvalidArgumentError(`expected viewer, deployer or admin, got "${value}"`);
  return role;
}
