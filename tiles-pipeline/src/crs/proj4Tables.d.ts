// proj4js ships its name tables as ES modules without type declarations; checkProj4Parameters
// reads their keys to refuse names proj4js would silently replace with its defaults.
declare module 'proj4/lib/constants/Ellipsoid.js' {
  const ellipsoids: Record<string, unknown>;
  export default ellipsoids;
}
declare module 'proj4/lib/constants/Datum.js' {
  const datums: Record<string, unknown>;
  export default datums;
}
declare module 'proj4/lib/constants/units.js' {
  const units: Record<string, unknown>;
  export default units;
}
declare module 'proj4/lib/constants/PrimeMeridian.js' {
  const primeMeridians: Record<string, unknown>;
  export default primeMeridians;
}
