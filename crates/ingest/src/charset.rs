//! Turning a page's bytes into text, whatever its character encoding.
//!
//! Pages declare their encoding in the HTTP `Content-Type` header, with a byte order mark,
//! or in a `<meta>` tag, and many declare nothing or lie. [`decode`] tries the
//! declarations in the order a browser trusts them and accepts one only when the bytes
//! really decode under it; otherwise it detects the encoding from the bytes (chardetng,
//! with the URL's top-level domain as a hint).
//!
//! A byte order mark is taken before the HTTP header, as the HTML standard does: it is
//! part of the bytes themselves and cannot be wrong about them.
//!
//! GBK and GB2312 labels are decoded as GB18030, their superset, so that characters
//! outside GB2312 (common in names) survive.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use chardetng::{Iso2022JpDetection, Utf8Detection};
use encoding_rs::{
    BIG5, EUC_KR, Encoding, GB18030, GBK, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252,
};

/// How many leading bytes are searched for `<meta charset>` and `<?xml encoding>`.
///
/// Browsers look at 1024 bytes; real pages (and saved copies of them) often put the tag
/// later, after long `<script>` or comment blocks, so we look further.
const PRESCAN_BYTES: usize = 16 * 1024;

/// Where the encoding used for decoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    /// A byte order mark at the start of the bytes.
    ByteOrderMark,
    /// The `charset` parameter of the HTTP `Content-Type` header.
    HttpHeader,
    /// A `<meta>` tag or an XML declaration in the document.
    Document,
    /// Detected from the bytes because nothing trustworthy was declared.
    Detected,
}

/// Text decoded from bytes, with the encoding that was used and why.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The decoded text (malformed sequences, if any, replaced by U+FFFD).
    pub text: String,
    /// The encoding the bytes were decoded with.
    pub encoding: &'static Encoding,
    /// Where that encoding came from.
    pub source: EncodingSource,
}

/// Decodes `bytes` to text.
///
/// `content_type` is the HTTP `Content-Type` header value, if any (e.g.
/// `text/html; charset=gbk`); `url` the page's address, used for its top-level domain as a
/// detection hint. Never fails: undecodable bytes become U+FFFD.
pub fn decode(bytes: &[u8], content_type: Option<&str>, url: Option<&str>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let text = encoding.decode_without_bom_handling(&bytes[bom_len..]).0;
        return decoded(text, encoding, EncodingSource::ByteOrderMark);
    }
    let declared = [
        (
            content_type.and_then(charset_from_content_type),
            EncodingSource::HttpHeader,
        ),
        (prescan(bytes), EncodingSource::Document),
    ];
    for (encoding, source) in declared {
        let Some(encoding) = encoding.map(superset) else {
            continue;
        };
        if hides_utf8(bytes, encoding) {
            continue;
        }
        let (text, malformed) = decode_measured(bytes, encoding);
        if malformed <= MALFORMED_TOLERANCE {
            return decoded(text, encoding, source);
        }
    }
    let (text, encoding) = detect(bytes, url);
    decoded(text, encoding, EncodingSource::Detected)
}

/// The encoding named by the `charset` parameter of a `Content-Type` header value.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| label_to_encoding(value.trim().trim_matches(['"', '\''])))
            .flatten()
    })
}

fn decoded(text: Cow<'_, str>, encoding: &'static Encoding, source: EncodingSource) -> Decoded {
    Decoded {
        text: text.into_owned(),
        encoding,
        source,
    }
}

/// Maps a charset label to an encoding; UTF-16 labels inside a document mean UTF-8
/// (a document that could be read as ASCII to find the label cannot be UTF-16).
fn label_to_encoding(label: &str) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    Some(if encoding == UTF_16LE || encoding == UTF_16BE {
        UTF_8
    } else {
        encoding
    })
}

/// GBK (and GB2312, which encoding_rs maps to GBK) decode as GB18030, their superset.
fn superset(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == GBK { GB18030 } else { encoding }
}

/// Decodes `bytes` under `encoding` and measures the share of malformed sequences among
/// the non-ASCII characters.
///
/// Real pages are sometimes cut or patched mid-character (saved copies of Chinese
/// portals often are), and a handful of broken characters must not throw a correct
/// encoding away: up to [`MALFORMED_TOLERANCE`] is accepted.
fn decode_measured<'a>(bytes: &'a [u8], encoding: &'static Encoding) -> (Cow<'a, str>, f64) {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if !had_errors {
        return (text, 0.0);
    }
    let (malformed, non_ascii) = text.chars().fold((0usize, 0usize), |(m, n), c| {
        (
            m + usize::from(c == '\u{FFFD}'),
            n + usize::from(!c.is_ascii()),
        )
    });
    let share = malformed as f64 / non_ascii.max(1) as f64;
    (text, share)
}

/// See [`decode_measured`].
const MALFORMED_TOLERANCE: f64 = 0.01;

/// How many bytes, from the first non-ASCII one, the detector reads: plenty to tell
/// encodings apart, and it keeps detection cheap on large pages.
const DETECTION_SAMPLE_BYTES: usize = 16 * 1024;

/// True when a single-byte Western declaration hides what is really UTF-8: pages that say
/// `iso-8859-1` or `windows-1252` while their non-ASCII bytes are valid UTF-8 are common,
/// and the single-byte decoders accept any bytes, so their declarations cannot be
/// checked by decoding alone.
fn hides_utf8(bytes: &[u8], encoding: &'static Encoding) -> bool {
    encoding == WINDOWS_1252 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok()
}

/// Guesses the encoding from the bytes, using the URL's top-level domain as a hint.
///
/// chardetng rules out an encoding at its first malformed sequence, so a GBK page with
/// one character cut in half comes back as a single-byte encoding, and turns to
/// mojibake. When it guesses a single-byte encoding, the East Asian multi-byte encodings
/// get a second, tolerant look, and the best of them is taken if it fits the bytes.
fn detect<'a>(bytes: &'a [u8], url: Option<&str>) -> (Cow<'a, str>, &'static Encoding) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (Cow::Borrowed(text), UTF_8);
    }
    if let Some(text) = plainly_gb18030(bytes) {
        return (text, GB18030);
    }
    let first_non_ascii = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    let sample = &bytes[first_non_ascii..bytes.len().min(first_non_ascii + DETECTION_SAMPLE_BYTES)];
    let mut detector = chardetng::EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(sample, true);
    let tld = url.and_then(top_level_domain);
    let guess = superset(detector.guess(tld.as_deref().map(str::as_bytes), Utf8Detection::Allow));
    if !guess.is_single_byte() {
        return (guess.decode_without_bom_handling(bytes).0, guess);
    }
    let mut candidates = [GB18030, BIG5, SHIFT_JIS, EUC_KR, UTF_8];
    if let Some(preferred) = tld.as_deref().and_then(tld_encoding) {
        candidates.sort_by_key(|&c| c != preferred);
    }
    candidates
        .into_iter()
        .map(|c| (decode_measured(bytes, c), c))
        .filter(|((_, share), _)| *share <= MALFORMED_TOLERANCE)
        .min_by(|((_, a), _), ((_, b), _)| a.total_cmp(b))
        .map(|((text, _), c)| (text, c))
        .unwrap_or_else(|| (guess.decode_without_bom_handling(bytes).0, guess))
}

/// Simplified Chinese's most frequent characters; in real Chinese text they make up
/// well over half of all characters.
const COMMON_HANZI: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严";

/// Share of [`COMMON_HANZI`] among the CJK characters above which decoded text is
/// taken to be Chinese; bytes of another encoding read as GB18030 give rare characters.
const COMMON_HANZI_SHARE: f64 = 0.3;

/// The text, when `bytes` decode as GB18030 without a single malformed sequence and
/// read as ordinary Chinese: the common case for undeclared Chinese pages, settled
/// without the (much slower) general detector.
fn plainly_gb18030(bytes: &[u8]) -> Option<Cow<'_, str>> {
    static COMMON: LazyLock<HashSet<char>> = LazyLock::new(|| COMMON_HANZI.chars().collect());
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return None;
    }
    let (common, cjk) = text
        .chars()
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .fold((0usize, 0usize), |(common, cjk), c| {
            (common + usize::from(COMMON.contains(&c)), cjk + 1)
        });
    (cjk >= 20 && common as f64 >= COMMON_HANZI_SHARE * cjk as f64).then_some(text)
}

/// The multi-byte encoding most pages under a top-level domain use, if any.
fn tld_encoding(tld: &str) -> Option<&'static Encoding> {
    match tld {
        "cn" => Some(GB18030),
        "tw" | "hk" | "mo" => Some(BIG5),
        "jp" => Some(SHIFT_JIS),
        "kr" => Some(EUC_KR),
        _ => None,
    }
}

/// The top-level domain of a URL's host, lower-cased, e.g. `cn` for `https://news.sina.com.cn/`.
fn top_level_domain(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    let tld = host.rsplit('.').next()?;
    (!tld.is_empty() && tld.bytes().all(|b| b.is_ascii_alphabetic())).then(|| tld.to_string())
}

/// Finds an encoding declared in the document: `<meta charset=...>`,
/// `<meta http-equiv="Content-Type" content="...; charset=...">`, or an XML declaration's
/// `encoding="..."`, within the first [`PRESCAN_BYTES`] bytes.
pub fn prescan(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let lower = head.to_ascii_lowercase();
    if lower.starts_with(b"<?xml")
        && let Some(end) = find(&lower, b"?>", 0)
        && let Some(label) = attribute_value(&lower[..end], b"encoding")
    {
        return label_to_encoding(&String::from_utf8_lossy(label));
    }
    let mut from = 0;
    while let Some(start) = find(&lower, b"<meta", from) {
        let end = find(&lower, b">", start).unwrap_or(lower.len());
        let tag = &lower[start..end];
        from = end;
        let label = attribute_value(tag, b"charset").or_else(|| {
            let content = attribute_value(tag, b"content")?;
            let at = find(content, b"charset", 0)?;
            let rest = &content[at + b"charset".len()..];
            let rest = rest
                .trim_ascii_start()
                .strip_prefix(b"=")?
                .trim_ascii_start();
            let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
            let len = rest
                .iter()
                .position(|&b| matches!(b, b';' | b'"' | b'\'' | b' '))
                .unwrap_or(rest.len());
            Some(&rest[..len])
        });
        if let Some(encoding) = label.and_then(|l| label_to_encoding(&String::from_utf8_lossy(l))) {
            return Some(encoding);
        }
    }
    None
}

/// The value of attribute `name` inside a (lower-cased) tag, quoted or not.
fn attribute_value<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut from = 0;
    while let Some(at) = find(tag, name, from) {
        from = at + name.len();
        let boundary = at == 0 || matches!(tag[at - 1], b' ' | b'\t' | b'\n' | b'\r' | b'/');
        let rest = tag[from..].trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=").filter(|_| boundary) else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        return Some(match rest.first() {
            Some(&quote @ (b'"' | b'\'')) => {
                let rest = &rest[1..];
                &rest[..rest.iter().position(|&b| b == quote).unwrap_or(rest.len())]
            }
            _ => {
                let len = rest
                    .iter()
                    .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
                    .unwrap_or(rest.len());
                &rest[..len]
            }
        });
    }
    None
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH: &str =
        "北京时间12月16日,记者从国家发展和改革委员会获悉,全国统一电力市场建设取得重要进展。";

    fn page(charset_meta: &str, body: &str) -> String {
        format!(
            "<!doctype html><html><head>{charset_meta}<title>t</title></head><body><p>{body}</p></body></html>"
        )
    }

    fn encode(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "test text must be representable");
        bytes.into_owned()
    }

    #[test]
    fn utf8_without_any_declaration() {
        let html = page("", ZH);
        let decoded = decode(html.as_bytes(), None, None);
        assert_eq!(decoded.encoding, UTF_8);
        assert!(decoded.text.contains(ZH));
    }

    #[test]
    fn gb18030_without_meta_is_detected() {
        let bytes = encode(&page("", &ZH.repeat(3)), GB18030);
        let decoded = decode(&bytes, None, Some("https://news.example.cn/a.html"));
        assert_eq!(decoded.source, EncodingSource::Detected);
        assert!(decoded.text.contains(ZH), "{}", decoded.text);
    }

    #[test]
    fn gbk_with_a_cut_character_still_decodes() {
        let mut bytes = encode(&page("", &ZH.repeat(8)), GB18030);
        // A character cut in half, as in pages saved by crawlers.
        let cut = bytes.len() / 2;
        bytes.insert(cut, 0xB0);
        bytes.insert(cut, b' ');
        for declared in [None, Some("text/html; charset=gb2312")] {
            let decoded = decode(&bytes, declared, None);
            assert_eq!(decoded.encoding, GB18030, "declared {declared:?}");
            assert!(decoded.text.contains(ZH));
        }
    }

    #[test]
    fn gb2312_label_decodes_as_gb18030() {
        // 镕 is outside GB2312 but common in names; GB18030 keeps it.
        let text = "朱镕基";
        let bytes = encode(&page(r#"<meta charset="gb2312">"#, text), GB18030);
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.encoding, GB18030);
        assert_eq!(decoded.source, EncodingSource::Document);
        assert!(decoded.text.contains(text));
    }

    #[test]
    fn big5_from_http_header() {
        let text = "臺灣新聞網報導,颱風今晚登陸,氣象局發布海上警報。";
        let bytes = encode(&page("", text), BIG5);
        let decoded = decode(&bytes, Some("text/html; charset=Big5"), None);
        assert_eq!(decoded.encoding, BIG5);
        assert_eq!(decoded.source, EncodingSource::HttpHeader);
        assert!(decoded.text.contains(text));
    }

    #[test]
    fn big5_is_not_taken_for_gb18030_without_a_hint() {
        let text = "臺灣新聞網報導,颱風今晚登陸,氣象局發布海上警報。民眾應注意安全,並遠離海邊。";
        let bytes = encode(&page("", &text.repeat(4)), BIG5);
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.encoding, BIG5);
        assert!(decoded.text.contains(text));
    }

    #[test]
    fn big5_detected_with_tw_hint() {
        let text = "臺灣新聞網報導,颱風今晚登陸,氣象局發布海上警報。民眾應注意安全。";
        let bytes = encode(&page("", &text.repeat(4)), BIG5);
        let decoded = decode(&bytes, None, Some("https://news.example.tw/"));
        assert_eq!(decoded.encoding, BIG5);
        assert!(decoded.text.contains(text));
    }

    #[test]
    fn shift_jis_from_meta_http_equiv() {
        let text = "東京都は本日、新しい防災計画を発表しました。";
        let meta = r#"<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">"#;
        let bytes = encode(&page(meta, text), SHIFT_JIS);
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.encoding, SHIFT_JIS);
        assert!(decoded.text.contains(text));
    }

    #[test]
    fn shift_jis_detected_without_declaration() {
        let text = "東京都は本日、新しい防災計画を発表しました。住民の皆さんは確認してください。";
        let bytes = encode(&page("", &text.repeat(4)), SHIFT_JIS);
        let decoded = decode(&bytes, None, Some("https://www.example.jp/"));
        assert_eq!(decoded.encoding, SHIFT_JIS);
        assert!(decoded.text.contains(text));
    }

    #[test]
    fn windows_1252_declared() {
        let text = "Café société: “smart quotes” and naïve résumés — 50 €";
        let bytes = encode(
            &page(r#"<meta charset="windows-1252">"#, text),
            WINDOWS_1252,
        );
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.encoding, WINDOWS_1252);
        assert!(decoded.text.contains(text));
    }

    #[test]
    fn windows_1252_detected_without_declaration() {
        let text = "Café société: “smart quotes” and naïve résumés — 50 €. ";
        let bytes = encode(&page("", &text.repeat(3)), WINDOWS_1252);
        let decoded = decode(&bytes, None, Some("https://example.fr/"));
        assert_eq!(decoded.encoding, WINDOWS_1252);
        assert!(decoded.text.contains(text.trim()));
    }

    #[test]
    fn lying_meta_utf8_over_gbk_bytes_is_ignored() {
        let bytes = encode(&page(r#"<meta charset="utf-8">"#, &ZH.repeat(3)), GB18030);
        let decoded = decode(&bytes, None, None);
        assert_eq!(decoded.source, EncodingSource::Detected);
        assert!(decoded.text.contains(ZH));
    }

    #[test]
    fn lying_meta_latin1_over_utf8_bytes_is_ignored() {
        let html = page(r#"<meta charset="iso-8859-1">"#, ZH);
        let decoded = decode(html.as_bytes(), None, None);
        assert_eq!(decoded.encoding, UTF_8);
        assert!(decoded.text.contains(ZH));
    }

    #[test]
    fn lying_http_header_is_ignored_for_a_correct_meta() {
        let bytes = encode(&page(r#"<meta charset="gbk">"#, ZH), GB18030);
        let decoded = decode(&bytes, Some("text/html; charset=utf-8"), None);
        assert_eq!(decoded.encoding, GB18030);
        assert_eq!(decoded.source, EncodingSource::Document);
    }

    #[test]
    fn byte_order_mark_wins() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(page("", ZH).as_bytes());
        let decoded = decode(&bytes, Some("text/html; charset=windows-1252"), None);
        assert_eq!(decoded.source, EncodingSource::ByteOrderMark);
        assert!(decoded.text.starts_with("<!doctype"));
    }

    #[test]
    fn xml_declaration_is_read() {
        let xml = r#"<?xml version="1.0" encoding="GB2312"?><rss><title>标题</title></rss>"#;
        let bytes = encode(xml, GB18030);
        assert_eq!(prescan(&bytes), Some(GBK));
        assert!(decode(&bytes, None, None).text.contains("标题"));
    }

    #[test]
    fn content_type_charset_parameter() {
        assert_eq!(
            charset_from_content_type("text/html; Charset=\"GBK\""),
            Some(GBK)
        );
        assert_eq!(charset_from_content_type("text/html"), None);
        assert_eq!(charset_from_content_type("text/html; charset=bogus"), None);
    }

    #[test]
    fn meta_charset_unquoted_and_late() {
        let padding = format!("<script>{}</script>", "x".repeat(3000));
        let html = format!("<html><head>{padding}<meta charset=big5></head></html>");
        assert_eq!(prescan(html.as_bytes()), Some(BIG5));
    }

    #[test]
    fn top_level_domain_hint() {
        assert_eq!(
            top_level_domain("https://news.sina.com.cn/x").as_deref(),
            Some("cn")
        );
        assert_eq!(top_level_domain("http://127.0.0.1/"), None);
        assert_eq!(top_level_domain("not a url"), None);
    }
}
