/**
 * A string literal for the 3D Tiles styling language, or undefined when the value cannot be
 * written as one. Feature ids come from data, and Cesium's expression parser has no working
 * escapes (`\'` and `\\` fail or compare unequal, tested): a value is quoted with the quote
 * character it does not contain; one with a backslash or both quotes is not expressible, and
 * the caller leaves the highlight out rather than inject text into the expression.
 */
export function quoteForExpression(value: string): string | undefined {
  if (value.includes('\\')) return undefined;
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  return undefined;
}
