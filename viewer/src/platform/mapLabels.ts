import { Color, LabelStyle } from 'cesium';

/** The outline of everything drawn over the map (labels, symbols, markers): the panels' dark, so it reads over any building or road. */
export const MAP_OUTLINE = Color.fromCssColorString('#0b1220');

/**
 * What every map label shares (spread into a LabelCollection's `add`): a 3 px dark outline, and
 * never hidden by a building in front of it. Fill, font, origin and offset stay each layer's.
 */
export const OUTLINED_LABEL = {
  outlineColor: MAP_OUTLINE,
  outlineWidth: 3,
  style: LabelStyle.FILL_AND_OUTLINE,
  disableDepthTestDistance: Number.POSITIVE_INFINITY,
} as const;
