//! Pixels: the grayscale page, Otsu's threshold, rotation.

/// An 8-bit grayscale image, row by row (0 black, 255 white).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrayImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height` pixels, row by row.
    pub pixels: Vec<u8>,
}

impl GrayImage {
    /// An image from its pixels; `None` when their number is not `width * height`.
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Option<GrayImage> {
        (width.checked_mul(height)? == pixels.len()).then_some(GrayImage {
            width,
            height,
            pixels,
        })
    }

    /// An image from a binary 8-bit PGM (`P5`, what `pdftoppm -gray` writes); `None` when the
    /// bytes are not one (comments in the header are not supported).
    pub fn from_pgm(bytes: &[u8]) -> Option<GrayImage> {
        let mut fields = Vec::new();
        let mut at = 0;
        while fields.len() < 4 {
            while bytes.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            let start = at;
            while !bytes.get(at)?.is_ascii_whitespace() {
                at += 1;
            }
            fields.push(std::str::from_utf8(&bytes[start..at]).ok()?);
        }
        if fields[0] != "P5" || fields[3] != "255" {
            return None;
        }
        let (width, height): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
        let pixels = bytes.get(at + 1..at + 1 + width.checked_mul(height)?)?;
        GrayImage::new(width, height, pixels.to_vec())
    }

    /// The pixel at (x, y).
    pub fn get(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    /// The rectangle `[x0, x1) × [y0, y1)` (clamped to the image) as an image of its own.
    pub fn crop(&self, x0: usize, y0: usize, x1: usize, y1: usize) -> GrayImage {
        let (x1, y1) = (x1.min(self.width), y1.min(self.height));
        let (x0, y0) = (x0.min(x1), y0.min(y1));
        let mut pixels = Vec::with_capacity((x1 - x0) * (y1 - y0));
        for y in y0..y1 {
            pixels.extend_from_slice(&self.pixels[y * self.width + x0..y * self.width + x1]);
        }
        GrayImage {
            width: x1 - x0,
            height: y1 - y0,
            pixels,
        }
    }

    /// The image with `pad` white pixels added on every side.
    pub fn padded(&self, pad: usize) -> GrayImage {
        let width = self.width + 2 * pad;
        let mut pixels = vec![255; width * (self.height + 2 * pad)];
        for y in 0..self.height {
            let at = (y + pad) * width + pad;
            pixels[at..at + self.width]
                .copy_from_slice(&self.pixels[y * self.width..(y + 1) * self.width]);
        }
        GrayImage {
            width,
            height: self.height + 2 * pad,
            pixels,
        }
    }

    /// The image turned by `degrees` (positive turns counter-clockwise as seen on the page)
    /// about its centre, bilinear, the corners filled with white.
    pub fn rotated(&self, degrees: f64) -> GrayImage {
        let (sin, cos) = degrees.to_radians().sin_cos();
        let (cx, cy) = (self.width as f64 / 2.0, self.height as f64 / 2.0);
        let mut pixels = vec![255u8; self.pixels.len()];
        for y in 0..self.height {
            let dy = y as f64 - cy;
            for x in 0..self.width {
                let dx = x as f64 - cx;
                // The source of (x, y): the inverse rotation (y grows downwards).
                let sx = cx + dx * cos - dy * sin;
                let sy = cy + dx * sin + dy * cos;
                if sx < 0.0 || sy < 0.0 {
                    continue;
                }
                let (x0, y0) = (sx.floor() as usize, sy.floor() as usize);
                if x0 + 1 >= self.width || y0 + 1 >= self.height {
                    continue;
                }
                let (fx, fy) = (sx - x0 as f64, sy - y0 as f64);
                let p = |x, y| f64::from(self.get(x, y));
                let v = p(x0, y0) * (1.0 - fx) * (1.0 - fy)
                    + p(x0 + 1, y0) * fx * (1.0 - fy)
                    + p(x0, y0 + 1) * (1.0 - fx) * fy
                    + p(x0 + 1, y0 + 1) * fx * fy;
                pixels[y * self.width + x] = v.round() as u8;
            }
        }
        GrayImage {
            width: self.width,
            height: self.height,
            pixels,
        }
    }
}

/// Otsu's threshold: the gray level that best separates ink from paper (a pixel at or below
/// it is ink).
pub fn otsu_threshold(image: &GrayImage) -> u8 {
    let mut histogram = [0u64; 256];
    for &p in &image.pixels {
        histogram[usize::from(p)] += 1;
    }
    let total = image.pixels.len() as f64;
    let sum: f64 = histogram
        .iter()
        .enumerate()
        .map(|(v, &n)| v as f64 * n as f64)
        .sum();
    let (mut below, mut below_sum) = (0.0, 0.0);
    let (mut best, mut best_variance) = (127u8, -1.0);
    for (v, &n) in histogram.iter().enumerate() {
        below += n as f64;
        below_sum += v as f64 * n as f64;
        let above = total - below;
        if below == 0.0 || above == 0.0 {
            continue;
        }
        let (m0, m1) = (below_sum / below, (sum - below_sum) / above);
        let variance = below * above * (m0 - m1) * (m0 - m1);
        if variance > best_variance {
            best_variance = variance;
            best = v as u8;
        }
    }
    best
}

/// Ink (`true`) and paper, one flag a pixel.
#[derive(Debug, Clone)]
pub struct Binary {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height` flags, row by row.
    pub ink: Vec<bool>,
}

impl Binary {
    /// The image binarised at Otsu's threshold.
    pub fn otsu(image: &GrayImage) -> Binary {
        let threshold = otsu_threshold(image);
        Binary {
            width: image.width,
            height: image.height,
            ink: image.pixels.iter().map(|&p| p <= threshold).collect(),
        }
    }

    /// Whether (x, y) is ink.
    pub fn at(&self, x: usize, y: usize) -> bool {
        self.ink[y * self.width + x]
    }
}

#[cfg(test)]
mod tests {
    use super::GrayImage;

    #[test]
    fn pgm_files_are_read_and_others_refused() {
        let image = GrayImage::from_pgm(b"P5\n2 1\n255\n\x00\xff").unwrap();
        assert_eq!((image.width, image.height), (2, 1));
        assert_eq!(image.pixels, vec![0, 255]);
        assert!(GrayImage::from_pgm(b"P5\n2 1\n255\n\x00").is_none());
        assert!(GrayImage::from_pgm(b"P6\n1 1\n255\n\x00\x00\x00").is_none());
        assert!(GrayImage::from_pgm(b"P5\n2").is_none());
    }
}
