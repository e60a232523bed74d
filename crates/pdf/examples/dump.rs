//! Prints a PDF's text layer: per page its rules and glyphs (`x y size text`), and its fonts.
//! `cargo run -p nianbao-pdf --example dump FILE [PAGE]`

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: dump FILE [PAGE]");
    let only: Option<usize> = args.next().and_then(|p| p.parse().ok());
    let bytes = std::fs::read(&path).expect("read");
    let start = std::time::Instant::now();
    let text = match nianbao_pdf::read(&bytes, &nianbao_pdf::PdfLimits::default()) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    eprintln!("read in {:?}", start.elapsed());
    for (n, page) in text.pages.iter().enumerate() {
        if only.is_some_and(|p| p != n + 1) {
            continue;
        }
        println!(
            "== page {} ({}x{}): {} glyphs, {} rules, {} images",
            n + 1,
            page.width,
            page.height,
            page.glyphs.len(),
            page.rules.len(),
            page.images
        );
        for rule in &page.rules {
            println!(
                "rule {:?} at {:.1} {:.1}..{:.1}",
                rule.orientation, rule.at, rule.from, rule.to
            );
        }
        for g in &page.glyphs {
            println!(
                "{:.1} {:.1} {:.1} {:.1} {}",
                g.x, g.y, g.width, g.size, g.text
            );
        }
    }
    for font in &text.fonts {
        println!(
            "font {}: {} glyphs, {} unmapped",
            font.name, font.glyphs, font.unmapped
        );
    }
}
