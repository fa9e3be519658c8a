/** Types of pg-cluster.mjs (a throwaway PostgreSQL server for tests and benchmarks). */
export interface Cluster {
  url: string;
  port: number;
  dir: string;
  /** The postmaster's pid (its backends are its children). */
  postmasterPid(): number;
  /** A clean shutdown and a start on the same folder and port. */
  restart(): void;
  stop(): void;
}
export function findPgBin(): string | null;
export function startCluster(opts?: {
  fsync?: boolean;
  /** A folder kept between runs: initdb only when it holds no cluster yet, never removed. */
  dir?: string | null;
}): Promise<Cluster>;
