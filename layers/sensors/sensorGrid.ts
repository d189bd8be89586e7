/**
 * Level of detail for thousands of sensors: the district is cut into square cells (~500 m),
 * cells into groups of 4 × 4 (~2 km). Near the camera a cell shows its individual sensors,
 * farther away one cluster marker with a count, farther still its group's one marker. Cells are
 * separate draw batches, so the renderer culls the ones outside the view. Pure: positions in,
 * cells and decisions out.
 */
export interface SensorGrid {
  /** Cell of each sensor. */
  cellOf: Uint32Array;
  cells: SensorCell[];
  /** Group of each cell. */
  groupOf: Uint32Array;
  /** Groups of cells; `members` are sensors, as for cells. */
  groups: SensorCell[];
}

export interface SensorCell {
  /** Sensors in the cell or group (slots). */
  members: number[];
  /** Where the cluster marker stands: the members' mean position. */
  lon: number;
  lat: number;
}

const METRES_PER_DEGREE = 111_320;

export function buildSensorGrid(lon: ArrayLike<number>, lat: ArrayLike<number>, count: number, cellMetres = 500, cellsPerGroupSide = 4): SensorGrid {
  let minLon = Infinity;
  let minLat = Infinity;
  let meanLat = 0;
  for (let i = 0; i < count; i++) {
    minLon = Math.min(minLon, lon[i]!);
    minLat = Math.min(minLat, lat[i]!);
    meanLat += lat[i]! / count;
  }
  const cellLat = cellMetres / METRES_PER_DEGREE;
  const cellLon = cellMetres / (METRES_PER_DEGREE * Math.cos((meanLat * Math.PI) / 180));
  const cellKeys = new Map<string, number>();
  const groupKeys = new Map<string, number>();
  const cells: SensorCell[] = [];
  const groups: SensorCell[] = [];
  const groupOfCell: number[] = [];
  const cellOf = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const x = Math.floor((lon[i]! - minLon) / cellLon);
    const y = Math.floor((lat[i]! - minLat) / cellLat);
    const key = `${x},${y}`;
    let c = cellKeys.get(key);
    if (c === undefined) {
      c = cells.length;
      cellKeys.set(key, c);
      cells.push({ members: [], lon: 0, lat: 0 });
      const groupKey = `${Math.floor(x / cellsPerGroupSide)},${Math.floor(y / cellsPerGroupSide)}`;
      let g = groupKeys.get(groupKey);
      if (g === undefined) {
        g = groups.length;
        groupKeys.set(groupKey, g);
        groups.push({ members: [], lon: 0, lat: 0 });
      }
      groupOfCell.push(g);
    }
    cellOf[i] = c;
    cells[c]!.members.push(i);
    groups[groupOfCell[c]!]!.members.push(i);
  }
  for (const cell of [...cells, ...groups]) {
    for (const i of cell.members) {
      cell.lon += lon[i]! / cell.members.length;
      cell.lat += lat[i]! / cell.members.length;
    }
  }
  return { cellOf, cells, groupOf: Uint32Array.from(groupOfCell), groups };
}

/**
 * Which cells show their sensors one by one: those nearer the camera than `detailWithin`
 * metres (straight-line, in the same Cartesian frame as `centres`, x,y,z per cell). A cell
 * already detailed stays so up to 15% farther, so a camera at the edge does not flicker.
 * Writes `detailed` (1/0 per cell) and returns whether anything changed.
 */
export function chooseDetailedCells(centres: Float64Array, camera: { x: number; y: number; z: number }, detailWithin: number, detailed: Uint8Array): boolean {
  let changed = false;
  for (let c = 0; c < detailed.length; c++) {
    const dx = centres[c * 3]! - camera.x;
    const dy = centres[c * 3 + 1]! - camera.y;
    const dz = centres[c * 3 + 2]! - camera.z;
    const distance = Math.sqrt(dx * dx + dy * dy + dz * dz);
    const next = distance < detailWithin * (detailed[c] ? 1.15 : 1) ? 1 : 0;
    if (next !== detailed[c]) {
      detailed[c] = next;
      changed = true;
    }
  }
  return changed;
}
