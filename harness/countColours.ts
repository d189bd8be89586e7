import type { Page } from 'playwright-core';

/**
 * Pixels of a screenshot of `page` (or of `clip` in it) within `tolerance` per channel of each CSS
 * colour (`#rrggbb`), counted in the page itself: a browser test's proof that something is drawn,
 * not only present in the scene's data.
 */
export async function countColours<Name extends string>(
  page: Page,
  colours: Record<Name, string>,
  options: { clip?: { x: number; y: number; width: number; height: number }; tolerance?: number } = {},
): Promise<Record<Name, number>> {
  const png = (await page.screenshot({ ...(options.clip ? { clip: options.clip } : {}), timeout: 120_000 })).toString('base64');
  return page.evaluate(
    async ({ png, colours, tolerance }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${png}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const g = canvas.getContext('2d')!;
      g.drawImage(image, 0, 0);
      const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
      const wanted = Object.entries(colours).map(
        ([name, hex]) => [name, parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)] as const,
      );
      const counts: Record<string, number> = Object.fromEntries(wanted.map(([name]) => [name, 0]));
      for (let p = 0; p < data.length; p += 4)
        for (const [name, r, gr, b] of wanted)
          if (Math.abs(data[p]! - r) <= tolerance && Math.abs(data[p + 1]! - gr) <= tolerance && Math.abs(data[p + 2]! - b) <= tolerance) counts[name]!++;
      return counts as Record<Name, number>;
    },
    { png, colours: colours as Record<string, string>, tolerance: options.tolerance ?? 24 },
  );
}
