//! Extraction from whole pages: the bundled samples, hostile input, and arbitrary bytes.

use goosepod_ingest::{ExtractError, extract};
use proptest::prelude::*;

fn sample(name: &str) -> Vec<u8> {
    let path = format!("{}/../../samples/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn english_sample_article_and_metadata() {
    let article = extract(&sample("en-harbor-battery.html"), None, None).unwrap();
    assert_eq!(
        article.title.as_deref(),
        Some(
            "Port Alder switches on giant harbor battery as critics question cost and fire safety"
        )
    );
    assert_eq!(article.site_name.as_deref(), Some("The Coastal Ledger"));
    assert_eq!(article.byline.as_deref(), Some("Elena Marsh"));
    assert_eq!(
        article.published.map(|p| p.to_string()).as_deref(),
        Some("2026-03-12T14:45:00Z")
    );
    assert_eq!(article.language.as_deref(), Some("en"));
    assert!(
        article
            .url
            .as_deref()
            .unwrap()
            .starts_with("https://www.coastal-ledger.example/")
    );
    assert!(article.image.as_deref().unwrap().ends_with(".jpg"));

    let text = &article.text;
    assert!(
        text.starts_with("PORT ALDER, Calif."),
        "dateline kept: {}",
        &text[..80]
    );
    assert!(text.contains("250-megawatt battery"));
    assert!(text.contains("“they should be able to check our work.”"));
    assert!(article.paragraphs().count() >= 12);
    for chrome in [
        "Subscribe",
        "Share on",
        "Advertisement",
        "Related",
        "comment",
        "©",
        "Photo:",
    ] {
        assert!(
            !text.contains(chrome),
            "page chrome {chrome:?} left in the text"
        );
    }
}

#[test]
fn chinese_gbk_sample_article_and_metadata() {
    let article = extract(&sample("zh-rail-line.html"), None, None).unwrap();
    let title = article.title.as_deref().unwrap();
    assert!(title.starts_with("江岚地铁5号线今日开通"), "{title}");
    assert!(!title.contains("东江日报"), "site suffix trimmed: {title}");
    assert_eq!(article.site_name.as_deref(), Some("东江日报"));
    assert_eq!(article.language.as_deref(), Some("zh-CN"));
    assert!(article.text.contains("线路全长32.6公里"));
    assert!(article.text.contains("总投资约218亿元"));
    for chrome in ["首页", "分享到", "相关新闻", "网友评论", "版权所有"] {
        assert!(
            !article.text.contains(chrome),
            "page chrome {chrome:?} left in the text"
        );
    }
}

/// A table-layout blog page: the post's text sits between its photos, split by `<br>`
/// rather than in paragraphs, and the sidebar shares the post's cell.
#[test]
fn chinese_photo_post_is_kept_and_its_sidebar_dropped() {
    let photos = "<img src=a.jpg><br><img src=b.jpg><br><img src=c.jpg><br>";
    let page = format!(
        "<html><head><meta charset=utf-8><title>湘菜粤菜</title></head><body><table><tr>\
         <td class=x>{photos}湘菜粤菜兵分两路，新鲜的是，湘菜浓妆淡抹，粤菜却是明艳照人。<br><br>\
         虽然湖南人喜欢吃辣，但碍于广东的炎热气候，不得不多吃清淡的菜肴，家乡炖的老鸡汤成为主打新菜之一。\
         <br><br>湖南常德盛产的芋头仔个头小而圆滑，放入熬制好的浓鸡汤里面蒸熟，吃起来相当清爽。<img src=d.jpg>\
         <br><span>作者简介</span><br><span>个人类别</span><br><span>存档目录</span>\
         <br><span>最新文章</span><br><span>最新评论</span></td></tr></table></body></html>"
    );
    let article = extract(page.as_bytes(), None, None).unwrap();
    for kept in ["新鲜的是", "老鸡汤", "相当清爽"] {
        assert!(
            article.text.contains(kept),
            "{kept:?} lost: {}",
            article.text
        );
    }
    for chrome in ["作者简介", "存档目录", "最新评论"] {
        assert!(
            !article.text.contains(chrome),
            "{chrome:?} left in the text"
        );
    }
}

#[test]
fn hostile_markup_never_reaches_the_text() {
    let page = br#"<html><head><title>Storm closes roads | Example News</title>
        <script>alert(1)</script><style>p{color:red}</style></head><body>
        <article><p>Heavy rain closed roads across the north on Monday, officials said, and
        more rain is expected through the week as rivers rise.</p>
        <p><img src=x onerror="alert(2)">Schools in three districts stayed shut while crews
        cleared fallen trees from the main routes into town.</p>
        <p><a href="javascript:alert(3)">Emergency numbers</a> are listed by the council, which
        asked residents to stay at home unless their journey is essential.</p></article>
        </body></html>"#;
    let article = extract(page, Some("https://news.example.com/storm"), None).unwrap();
    assert_eq!(article.title.as_deref(), Some("Storm closes roads"));
    assert_eq!(article.site_name.as_deref(), Some("Example News"));
    for markup in ["<", "alert", "color:red", "javascript"] {
        assert!(
            !article.text.contains(markup),
            "{markup:?} in {}",
            article.text
        );
    }
    assert_eq!(article.paragraphs().count(), 3);
}

#[test]
fn empty_and_contentless_pages_are_errors() {
    assert!(matches!(extract(b"", None, None), Err(ExtractError::Empty)));
    assert!(matches!(
        extract(
            b"<html><body><nav><a href=/>Home</a></nav></body></html>",
            None,
            None
        ),
        Err(ExtractError::NoArticle)
    ));
}

#[test]
fn plain_text_by_content_type() {
    let article = extract(
        b"Storm closes roads\n\nHeavy rain closed roads across the north on Monday.",
        None,
        Some("text/plain; charset=utf-8"),
    )
    .unwrap();
    assert_eq!(article.title.as_deref(), Some("Storm closes roads"));
    assert_eq!(
        article.text,
        "Heavy rain closed roads across the north on Monday."
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let _ = extract(&bytes, None, None);
        let _ = extract(&bytes, Some("https://example.com/a"), Some("text/html; charset=gbk"));
    }

    #[test]
    fn never_panics_on_tag_soup(parts in proptest::collection::vec(
        prop_oneof![
            Just("<div class='share'>".to_string()), Just("</div>".to_string()),
            Just("<p>".to_string()), Just("</p>".to_string()), Just("<a href='/x'>".to_string()),
            Just("</a>".to_string()), Just("<figure>".to_string()), Just("<table><tr><td>".to_string()),
            Just("<meta charset=gbk>".to_string()), Just("<title>".to_string()),
            "[a-zA-Z .,]{0,80}", "[\u{4e00}-\u{9fa5}。,]{0,40}",
        ],
        0..200,
    )) {
        let page = parts.concat();
        if let Ok(article) = extract(page.as_bytes(), None, None) {
            prop_assert!(!article.text.trim().is_empty());
            prop_assert!(!article.text.contains("\n\n\n"));
        }
    }
}
