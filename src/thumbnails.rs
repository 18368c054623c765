//! Small previews of the images of a dossier, for the files section: made on first
//! request from the stored file (one at a time, within a bounded memory), kept under
//! `data/thumbs/` by the file's SHA-256, and made again if that folder is lost. An image
//! that cannot be read, or is too large, has no preview: the page shows its type.

use std::io::{BufReader, Cursor};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use image::{ImageFormat, ImageReader, Limits};

use crate::error::{Error, Result};

/// The longest side of a preview, in pixels.
pub const SIDE: u32 = 320;

/// Files larger than this get no preview.
const MAX_BYTES: u64 = 40 * 1024 * 1024;

/// One preview is made at a time: decoding a photo takes tens of megabytes.
static MAKING: Mutex<()> = Mutex::new(());

/// Whether a file of this declared type may have a preview.
pub fn previewable(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// The preview of the stored file `sha256` (the open `file` of `size` bytes), made now
/// if it is not kept yet; `None` when the file is no image this can read.
pub fn preview(
    data: &Path,
    sha256: &str,
    file: std::fs::File,
    size: u64,
) -> Result<Option<PathBuf>> {
    if size > MAX_BYTES || sha256.len() < 3 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let folder = data.join("thumbs").join(&sha256[..2]);
    let path = folder.join(format!("{}-{SIDE}.jpg", &sha256[2..]));
    // A file that could not be read once is not decoded again at every request.
    let none = folder.join(format!("{}-{SIDE}.none", &sha256[2..]));
    if path.is_file() {
        return Ok(Some(path));
    }
    if none.is_file() {
        return Ok(None);
    }
    let _one = MAKING.lock().unwrap_or_else(|p| p.into_inner());
    if path.is_file() {
        return Ok(Some(path));
    }
    let no_preview = || -> Result<Option<PathBuf>> {
        std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(&none, b""))
            .map_err(|e| Error::from_io("noting a file without preview", e))?;
        Ok(None)
    };
    let mut reader = match ImageReader::new(BufReader::new(file)).with_guessed_format() {
        Ok(reader) => reader,
        Err(_) => return no_preview(),
    };
    if !matches!(
        reader.format(),
        Some(ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP)
    ) {
        return no_preview();
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(16_000);
    limits.max_image_height = Some(16_000);
    limits.max_alloc = Some(192 * 1024 * 1024);
    reader.limits(limits);
    let Ok(image) = reader.decode() else {
        return no_preview();
    };
    let small = image.thumbnail(SIDE, SIDE).into_rgb8();
    let mut bytes = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut bytes), 80);
    small
        .write_with_encoder(encoder)
        .map_err(|e| Error::Storage(crate::error::Cause::of("encoding a preview", e)))?;
    let io = |e| Error::from_io("keeping a preview", e);
    std::fs::create_dir_all(&folder).map_err(io)?;
    // Written aside then renamed: a reader never sees half a preview.
    let partial = folder.join(format!("{}-{SIDE}.part", &sha256[2..]));
    std::fs::write(&partial, &bytes).map_err(io)?;
    std::fs::rename(&partial, &path).map_err(io)?;
    Ok(Some(path))
}
