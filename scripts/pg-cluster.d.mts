/** Types of pg-cluster.mjs (a throwaway PostgreSQL server for tests and benchmarks). */
export interface Cluster {
  url: string;
  port: number;
  dir: string;
  stop(): void;
}
export function findPgBin(): string | null;
export function startCluster(opts?: { fsync?: boolean }): Promise<Cluster>;
