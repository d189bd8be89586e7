export const COMPRESSIONS = ['meshopt', 'draco', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];
