/**
 * The fixed plan of the synthetic Nankai district: real names at approximately real places
 * (WGS84). Everything the generator draws between them is made up and labelled synthetic.
 */

export const SEED = 20261122;

/** Street grid rotation (degrees, anticlockwise): Tianjin's grid follows the Hai River, not north. */
export const GRID_ANGLE = 8;

export const NORTH_SOUTH_ARTERIALS = ['城厢西路', '南开五马路', '白堤路', '咸阳路', '红旗路', '卫津路', '华苑路', '迎水道', '密云路', '雅安道', '苑中路'];
export const EAST_WEST_ARTERIALS = [
  '南马路',
  '长江道',
  '黄河道',
  '鞍山西道',
  '西湖道',
  '复康路',
  '宾水西道',
  '水上公园北道',
  '红旗南路',
  '天拖南路',
  '凌宾路',
  '航天道',
  '王顶堤路',
  '华宁道',
];
export const LOCAL_STREETS = [
  '华坪路',
  '昌平路',
  '万德庄大街',
  '阜新路',
  '广开四马路',
  '芥园西道',
  '南丰路',
  '南开二纬路',
  '南开四马路',
  '科研西路',
  '嘉陵道',
  '丹江路',
  '园荫道',
  '保山道',
  '迎风道',
  '简阳路',
  '气象台路',
  '体院北道',
  '天大南路',
  '龙滨路',
  '宜宾道',
  '崇明路',
  '桂林路',
  '红日南路',
  '三潭路',
  '士英路',
  '南开六马路',
  '鹊桥路',
  '学府街',
  '育梁道',
  '时代奥城路',
  '白堤南路',
  '黄河西道',
  '长江西道',
  '鼓楼东街',
  '鼓楼西街',
  '东马路',
  '西马路',
  '北城街',
];

export const COMMUNITIES = [
  '学府花园',
  '阳光里',
  '居华里',
  '碧华里',
  '长虹里',
  '鹊桥里',
  '迎风里',
  '王顶堤小区',
  '天华里',
  '安德里',
  '宜宾里',
  '风荷园',
  '日华里',
  '雅士花园',
  '南开花园',
  '嘉陵里',
  '丹江里',
  '龙滨园',
  '凌奥花园',
  '体院北小区',
  '云华里',
  '林苑里',
  '宁发花园',
  '华章里',
  '航天里',
  '密云里',
  '雅安里',
  '咸阳里',
  '兴南里',
  '时代奥城',
];

export interface Zone {
  kind: 'campus' | 'commercial' | 'oldtown' | 'hospital';
  name: string;
  lon: number;
  lat: number;
  radius: number;
}

export const ZONES: Zone[] = [
  { kind: 'campus', name: '南开大学', lon: 117.1615, lat: 39.1025, radius: 600 },
  { kind: 'campus', name: '天津大学', lon: 117.1625, lat: 39.1125, radius: 450 },
  { kind: 'commercial', name: '鼓楼商圈', lon: 117.1775, lat: 39.1395, radius: 450 },
  { kind: 'commercial', name: '南开大悦城', lon: 117.1635, lat: 39.1335, radius: 300 },
  { kind: 'oldtown', name: '古文化街', lon: 117.1885, lat: 39.1425, radius: 250 },
  { kind: 'hospital', name: '天津市第一中心医院', lon: 117.1555, lat: 39.1125, radius: 120 },
  { kind: 'hospital', name: '南开医院', lon: 117.1475, lat: 39.0985, radius: 120 },
  { kind: 'hospital', name: '天津市环湖医院', lon: 117.1315, lat: 39.0875, radius: 120 },
  { kind: 'hospital', name: '天津医科大学第二医院', lon: 117.1655, lat: 39.1225, radius: 120 },
];

/** 水上公园 lake (centre, semi-axes in metres) and the park around it. */
export const WATER_PARK = { name: '水上公园', lon: 117.1615, lat: 39.0875, lakeRadii: [520, 330], parkRadii: [760, 520] };
export const CHANGHONG_PARK = { name: '长虹公园', lon: 117.1525, lat: 39.1285, lakeRadii: [140, 90], parkRadii: [260, 190] };

/** 卫津河: a river along 卫津路 through the district (WGS84 control points, south to north). */
export const WEIJIN_RIVER = {
  name: '卫津河',
  width: 28,
  points: [
    [117.1705, 39.0735],
    [117.1692, 39.0815],
    [117.1701, 39.0902],
    [117.1688, 39.0981],
    [117.1697, 39.1063],
    [117.1684, 39.1145],
    [117.169, 39.1232],
  ] as [number, number][],
};

/** Named landmark buildings (footprints are generated at these points). */
export interface Landmark {
  name: string;
  nameEn: string;
  lon: number;
  lat: number;
  use: string;
  height: number;
  floors: number;
  /** Footprint: a circle of this radius, or a rectangle of these sizes. */
  radius?: number;
  size?: [number, number];
  year: number;
}

export const LANDMARKS: Landmark[] = [
  {
    name: '天津广播电视塔',
    nameEn: 'Tianjin Radio and TV Tower',
    lon: 117.1735,
    lat: 39.0828,
    use: 'landmark',
    height: 415,
    floors: 1,
    radius: 22,
    year: 1991,
  },
  {
    name: '南开大学主楼',
    nameEn: 'Nankai University Main Building',
    lon: 117.1602,
    lat: 39.1031,
    use: 'education',
    height: 62,
    floors: 13,
    size: [110, 36],
    year: 1962,
  },
  {
    name: '天津大学图书馆',
    nameEn: 'Tianjin University Library',
    lon: 117.1628,
    lat: 39.1128,
    use: 'education',
    height: 32,
    floors: 7,
    size: [90, 60],
    year: 2015,
  },
  { name: '鼓楼', nameEn: 'Drum Tower', lon: 117.1791, lat: 39.1418, use: 'heritage', height: 27, floors: 3, size: [28, 28], year: 2001 },
  { name: '天津大悦城', nameEn: 'Joy City Tianjin', lon: 117.1642, lat: 39.1341, use: 'commercial', height: 188, floors: 42, size: [46, 46], year: 2011 },
  {
    name: '天津市第一中心医院',
    nameEn: 'Tianjin First Central Hospital',
    lon: 117.1558,
    lat: 39.1128,
    use: 'hospital',
    height: 78,
    floors: 20,
    size: [70, 26],
    year: 2008,
  },
  { name: '南开中学', nameEn: 'Nankai Middle School', lon: 117.1705, lat: 39.1305, use: 'school', height: 18, floors: 5, size: [80, 18], year: 1904 },
  { name: '天津水上公园', nameEn: 'Tianjin Water Park gate', lon: 117.1595, lat: 39.0935, use: 'public', height: 9, floors: 2, size: [40, 16], year: 1951 },
  {
    name: '时代奥城商务中心',
    nameEn: 'Olympic City Business Centre',
    lon: 117.1472,
    lat: 39.0838,
    use: 'office',
    height: 168,
    floors: 38,
    size: [42, 42],
    year: 2009,
  },
  {
    name: '天津奥林匹克中心体育场',
    nameEn: 'Tianjin Olympic Centre Stadium',
    lon: 117.1395,
    lat: 39.0795,
    use: 'public',
    height: 53,
    floors: 4,
    radius: 130,
    year: 2007,
  },
];
