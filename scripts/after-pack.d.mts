/** Types of scripts/after-pack.mjs for the tests. */
export function packagedBindingPath(p: {
  appOutDir: string;
  platform: string;
  productFilename: string;
}): string;
export function afterPack(context: unknown): Promise<void>;
