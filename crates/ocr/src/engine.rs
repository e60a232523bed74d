//! The recognition engine: Tesseract 5's C API, opened at run time (`libtesseract.so.5`), one
//! single-line recognition per cell. Two models are loaded: `eng` (fast, reads digits) and
//! `chi_sim` (labels); a line whose ink could be digits is read with `eng` first, and with
//! `chi_sim` when `eng` does not return a confident number; other lines with `chi_sim` only.
//!
//! # Why Tesseract, measured (2 shared cores, 2026-12-02)
//!
//! Both engines were given the same 337 line images that this crate cuts from the two pages of
//! `pingtan-2019/scan.pdf` (200 dpi gray): 198 numbers, 137 labels and prose lines.
//!
//! | engine | numbers right | labels | CPU per line | per page |
//! |---|---|---|---|---|
//! | Tesseract 5.3 (Debian), `eng` for numbers, `chi_sim` (tessdata_fast) for text | 198/198 | misreads some brackets and a character (`不巴公开` for `不予公开`) | 2.5 ms numbers, ≈ 11 ms text | ≈ 1.0 s |
//! | PP-OCRv4 recognition (`ch_PP-OCRv4_rec_infer.onnx` of the PyPI `rapidocr-onnxruntime` 1.4.4, ONNX Runtime 1.32, one thread) | 198/198 (the same text) | cleaner (full-width brackets, `不予`) | 13.3 ms numbers, 18.9 ms text | ≈ 2.6 s |
//!
//! Digits are what the checks stand on, and both read every one right; labels only have to be
//! matched to template rows by keywords, which the alignment's fuzzy matching does through
//! Tesseract's misreads (all 796 cells of the corpus's four scans come out right). Tesseract is
//! about 2.5 times faster here (under the 1 s a page aimed at), installs from Debian with its
//! models (`tesseract-ocr`, `tesseract-ocr-chi-sim`), needs no model file shipped or found, and
//! is opened at run time through its stable C API, so building needs neither Tesseract nor
//! libclang (the bindgen-based bindings, `leptess`/`tesseract-sys`, need `libclang-dev` and
//! Leptonica headers at build time). Its licence is Apache-2.0; `libloading` is ISC.

use std::ffi::{c_char, c_int, CStr, CString};
use std::ptr::NonNull;

use crate::{GrayImage, OcrError};

/// What to install when the engine cannot be opened.
pub const INSTALL: &str =
    "apt-get install tesseract-ocr tesseract-ocr-chi-sim (Tesseract 5 with its chi_sim and eng models)";

/// Tesseract's `PSM_SINGLE_LINE`: the image is one line of text.
const PSM_SINGLE_LINE: c_int = 7;

/// An opaque `TessBaseAPI`.
#[repr(C)]
struct TessBaseApi {
    _private: [u8; 0],
}

/// The functions of Tesseract's C API (`tesseract/capi.h`) that are used.
struct Api {
    create: unsafe extern "C" fn() -> *mut TessBaseApi,
    delete: unsafe extern "C" fn(*mut TessBaseApi),
    init: unsafe extern "C" fn(*mut TessBaseApi, *const c_char, *const c_char) -> c_int,
    set_page_seg_mode: unsafe extern "C" fn(*mut TessBaseApi, c_int),
    set_image: unsafe extern "C" fn(*mut TessBaseApi, *const u8, c_int, c_int, c_int, c_int),
    set_source_resolution: unsafe extern "C" fn(*mut TessBaseApi, c_int),
    get_utf8_text: unsafe extern "C" fn(*mut TessBaseApi) -> *mut c_char,
    delete_text: unsafe extern "C" fn(*const c_char),
    mean_text_conf: unsafe extern "C" fn(*mut TessBaseApi) -> c_int,
    set_variable: unsafe extern "C" fn(*mut TessBaseApi, *const c_char, *const c_char) -> c_int,
    // Keeps the library loaded while the function pointers above are in use.
    _library: libloading::Library,
}

impl Api {
    fn open() -> Result<Api, OcrError> {
        let missing = |why: String| OcrError::EngineMissing {
            what: why,
            what_to_install: INSTALL,
        };
        // Debian's Tesseract runs OpenMP loops of up to 10 threads even on a one-line image,
        // whose helpers spin: 7 s of wall time a page instead of 1 on 2 cores. OpenMP reads its
        // thread limit once, when libgomp loads with Tesseract, from the environment (a limit
        // the user set is kept). Set before any recognition thread exists in the CLI; a
        // program that reads the environment on other threads meanwhile should set it itself.
        static LIMIT_OPENMP: std::sync::Once = std::sync::Once::new();
        LIMIT_OPENMP.call_once(|| {
            if std::env::var_os("OMP_THREAD_LIMIT").is_none() {
                std::env::set_var("OMP_THREAD_LIMIT", "1");
            }
        });
        // SAFETY: loading Tesseract runs its initialisers, which have no preconditions.
        let library = [
            "libtesseract.so.5",
            "libtesseract.so",
            "libtesseract.5.dylib",
        ]
        .into_iter()
        .find_map(|name| unsafe { libloading::Library::new(name) }.ok())
        .ok_or_else(|| missing("libtesseract.so.5 not found".to_string()))?;
        macro_rules! symbol {
            ($name:literal) => {
                // SAFETY: the symbol's type is the one capi.h declares.
                *unsafe { library.get(concat!($name, "\0").as_bytes()) }
                    .map_err(|e| missing(format!("{}: {e}", $name)))?
            };
        }
        Ok(Api {
            create: symbol!("TessBaseAPICreate"),
            delete: symbol!("TessBaseAPIDelete"),
            init: symbol!("TessBaseAPIInit3"),
            set_page_seg_mode: symbol!("TessBaseAPISetPageSegMode"),
            set_image: symbol!("TessBaseAPISetImage"),
            set_source_resolution: symbol!("TessBaseAPISetSourceResolution"),
            get_utf8_text: symbol!("TessBaseAPIGetUTF8Text"),
            delete_text: symbol!("TessDeleteText"),
            mean_text_conf: symbol!("TessBaseAPIMeanTextConf"),
            set_variable: symbol!("TessBaseAPISetVariable"),
            _library: library,
        })
    }
}

/// One Tesseract instance with one model loaded.
struct Model {
    handle: NonNull<TessBaseApi>,
}

/// Text recognised in one image of one line, with Tesseract's mean word confidence (0–1).
#[derive(Debug, Clone, PartialEq)]
pub struct Recognised {
    /// The text, trimmed.
    pub text: String,
    /// The confidence, 0 to 1.
    pub confidence: f32,
}

/// The recognition engine: Tesseract with the `eng` and `chi_sim` models.
pub struct Engine {
    digits: Model,
    chinese: Model,
    // Dropped last: the models' handles are freed through it.
    api: Api,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine(tesseract)")
    }
}

impl Engine {
    /// Opens Tesseract and loads its models from the default data folder.
    pub fn open() -> Result<Engine, OcrError> {
        let api = Api::open()?;
        let digits = Self::model(&api, "eng")?;
        let chinese = match Self::model(&api, "chi_sim") {
            Ok(m) => m,
            Err(e) => {
                // SAFETY: the handle came from `create` and is freed once.
                unsafe { (api.delete)(digits.handle.as_ptr()) };
                return Err(e);
            }
        };
        Ok(Engine {
            digits,
            chinese,
            api,
        })
    }

    fn model(api: &Api, language: &str) -> Result<Model, OcrError> {
        // SAFETY: `create` has no preconditions; a null result is handled.
        let handle = NonNull::new(unsafe { (api.create)() }).ok_or(OcrError::EngineMissing {
            what: "TessBaseAPICreate failed".to_string(),
            what_to_install: INSTALL,
        })?;
        let lang = CString::new(language).expect("no NUL in a language name");
        // SAFETY: a live handle, a NUL-terminated language, the default data path (null).
        let status = unsafe { (api.init)(handle.as_ptr(), std::ptr::null(), lang.as_ptr()) };
        if status != 0 {
            // SAFETY: the handle came from `create` and is freed once.
            unsafe { (api.delete)(handle.as_ptr()) };
            return Err(OcrError::EngineMissing {
                what: format!("Tesseract has no `{language}` model"),
                what_to_install: INSTALL,
            });
        }
        // SAFETY: a live, initialised handle.
        unsafe {
            (api.set_page_seg_mode)(handle.as_ptr(), PSM_SINGLE_LINE);
            // Word lists only mislead on numbers and table labels.
            for name in [c"load_system_dawg", c"load_freq_dawg"] {
                (api.set_variable)(handle.as_ptr(), name.as_ptr(), c"0".as_ptr());
            }
        }
        Ok(Model { handle })
    }

    fn run(&mut self, chinese: bool, image: &GrayImage, ppi: u32) -> Recognised {
        let api = &self.api;
        let model = if chinese { &self.chinese } else { &self.digits };
        let h = model.handle.as_ptr();
        // SAFETY: a live handle; the pixels outlive the call that reads them (`get_utf8_text`
        // recognises before returning); the text is freed with `delete_text`.
        unsafe {
            (api.set_image)(
                h,
                image.pixels.as_ptr(),
                image.width as c_int,
                image.height as c_int,
                1,
                image.width as c_int,
            );
            (api.set_source_resolution)(h, ppi as c_int);
            let raw = (api.get_utf8_text)(h);
            let text = if raw.is_null() {
                String::new()
            } else {
                let text = CStr::from_ptr(raw).to_string_lossy().into_owned();
                (api.delete_text)(raw);
                text
            };
            let confidence = ((api.mean_text_conf)(h).clamp(0, 100) as f32) / 100.0;
            Recognised {
                text: text.split_whitespace().collect::<Vec<_>>().join(" "),
                confidence,
            }
        }
    }

    /// Recognises the one line of text in `image` (a cell or a line cut from the page, dark
    /// ink on white), scanned at `ppi`.
    pub fn recognise_line(&mut self, image: &GrayImage, ppi: u32) -> Recognised {
        let digits = self.run(false, image, ppi);
        if is_number(&digits.text) && digits.confidence >= 0.6 {
            return digits;
        }
        self.run(true, image, ppi)
    }
}

impl Engine {
    /// Recognises the one line of Chinese text in `image` (prose outside the tables).
    pub fn recognise_text(&mut self, image: &GrayImage, ppi: u32) -> Recognised {
        self.run(true, image, ppi)
    }
}

/// Whether text is a printed number or a dash (what `eng` reads well).
fn is_number(text: &str) -> bool {
    !text.is_empty()
        && text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-'))
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: each handle came from `create` and is freed once, while the library is loaded.
        unsafe {
            (self.api.delete)(self.digits.handle.as_ptr());
            (self.api.delete)(self.chinese.handle.as_ptr());
        }
    }
}
