import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** Bytes per pixel (3 for RGB, 4 for RGBA). */
  channels: number;
  pixels: Buffer;
}

/** Decodes an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's screenshots are). */
export function decodePng(png: Buffer): DecodedPng {
  if (png.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const chunk = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = chunk.readUInt32BE(0);
      height = chunk.readUInt32BE(4);
      const [depth, colour, , , interlace] = chunk.subarray(8, 13);
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${interlace})`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') data.push(chunk);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let row = 0; row < height; row += 1) {
    const filter = raw[row * (stride + 1)];
    const line = raw.subarray(row * (stride + 1) + 1, (row + 1) * (stride + 1));
    for (let x = 0; x < stride; x += 1) {
      const left = x >= channels ? pixels[row * stride + x - channels] : 0;
      const up = row > 0 ? pixels[(row - 1) * stride + x] : 0;
      const upLeft = row > 0 && x >= channels ? pixels[(row - 1) * stride + x - channels] : 0;
      pixels[row * stride + x] = (line[x] + predict(filter, left, up, upLeft)) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

function predict(filter: number, left: number, up: number, upLeft: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return left;
    case 2:
      return up;
    case 3:
      return (left + up) >> 1;
    case 4: {
      const estimate = left + up - upLeft;
      const [toLeft, toUp, toUpLeft] = [Math.abs(estimate - left), Math.abs(estimate - up), Math.abs(estimate - upLeft)];
      return toLeft <= toUp && toLeft <= toUpLeft ? left : toUp <= toUpLeft ? up : upLeft;
    }
    default:
      throw new Error(`unknown PNG filter ${filter}`);
  }
}

/** How many pixels differ from the most common colour: a blank page has (almost) none. */
export function pixelsUnlikeBackground(image: DecodedPng): { distinctColours: number; unlike: number; total: number } {
  const counts = new Map<number, number>();
  for (let index = 0; index < image.pixels.length; index += image.channels) {
    const colour = image.pixels.readUIntBE(index, 3);
    counts.set(colour, (counts.get(colour) ?? 0) + 1);
  }
  const total = image.width * image.height;
  const background = Math.max(...counts.values());
  return { distinctColours: counts.size, unlike: total - background, total };
}

/** Whether a screenshot shows a rendered page: many colours, and more than 2% of it unlike the background. */
export function looksRendered(png: Buffer): { ok: boolean; distinctColours: number; unlikeShare: number } {
  const { distinctColours, unlike, total } = pixelsUnlikeBackground(decodePng(png));
  const unlikeShare = unlike / total;
  return { ok: distinctColours > 10 && unlikeShare > 0.02, distinctColours, unlikeShare };
}
