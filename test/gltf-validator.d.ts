declare module 'gltf-validator' {
  const validator: {
    validateBytes(
      data: Uint8Array,
      options?: { maxIssues?: number },
    ): Promise<{ issues: { numErrors: number; messages: { code: string; message: string; severity: number; pointer?: string }[] } }>;
  };
  export default validator;
}
