//! The web studio, built from `ui/` by this crate's build script and embedded in the binary.
//! No HTTP types here: the `api` crate serves these files (SPA fallback, cache headers).

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// One embedded file.
#[derive(Debug, Clone, Copy)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
    /// Vite puts a content hash in every file name under `assets/`: such a file never changes,
    /// so browsers may cache it for good. Everything else (`index.html`) must be revalidated.
    pub immutable: bool,
}

/// The file at `path` (without the leading `/`), if the studio has one.
pub fn asset(path: &str) -> Option<Asset> {
    let index = ASSETS.binary_search_by(|(name, _)| (*name).cmp(path)).ok()?;
    let (name, bytes) = ASSETS[index];
    Some(Asset { bytes, content_type: content_type(name), immutable: name.starts_with("assets/") })
}

/// The studio's entry page, served for every client-side route.
pub fn index() -> Asset {
    asset("index.html").expect("the build script checked that index.html exists")
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_sorted_so_lookup_can_bisect() {
        assert!(ASSETS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn the_entry_page_loads_a_hashed_script() {
        let page = std::str::from_utf8(index().bytes).unwrap();
        assert!(page.contains("<div id=\"root\">"));
        let script = page.split("src=\"/").nth(1).and_then(|s| s.split('"').next()).expect("a script tag");
        let found = asset(script).expect("the script the page names is embedded");
        assert!(found.immutable && found.content_type.starts_with("text/javascript"));
        assert!(!index().immutable);
    }
}
