r"""Every regular expression of the runtime, compiled once, each with what it is for.

Patterns run on *normalized* text (nlp.normalize): full-width digits, letters and
brackets are already ASCII, odd spaces are plain spaces, traditional characters are
simplified. All quantifiers are bounded or run over disjoint character classes so that
matching time stays linear in the input (the fuzz suite feeds multi-megabyte lines).

A few hot patterns with no ``\\d``, ``\\s``, ``\\w`` or ``\\p{}`` (whose Unicode tables differ between
the two engines) are compiled with the standard library's ``re`` (``_sre``): it scans plain
character classes several times faster than ``regex``. The fuzz suite checks both engines agree.
"""

from __future__ import annotations

import re as _sre

import regex as re

# ---------------------------------------------------------------------------- decode
# The HTML tokenizer (nlp.htmltext) reads a page exactly as the standard library's
# html.parser of Python 3.11 does: these are its patterns, with ``\s`` spelled out as the
# characters it stands for there (``str.isspace``) so that both engines read them alike.
_WS = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
#: the common tokens, read in one scan: a plain element with its text if any (``<td>12</td>``:
#: the three tokens below in one match; ``<td></td>``), a text run, a plain start tag (``<p>``,
#: ``<br/>``, ``<br />``), a start tag with plain attributes (``<td colspan="3" rowspan=2>``: no
#: reference in a value), a plain end tag, or else the "<" or "&" where the general rules
#: below take over. Groups: 1 element name, 2 its text if it has no HTML whitespace (so the
#: renderer need not look for any), 3 else its text (2 and 3 None: no text), 4 its end tag
#: name; 5 text; 6 start tag name, 7 the self-closing slash; 8 start tag name, 9 its
#: attributes; 10 end tag name; 11 the other "<" or "&". No group is made optional with "?"
#: (it costs the engine a repeat frame on every element): the text's alternatives end with
#: an empty one, and ">" is an alternative to the self-closing "/>".
HTML_TOKEN = _sre.compile(
    r"<([a-zA-Z][^\t\n\r\f />\x00]*)>(?:([^<& \t\r\n\f]+)|([^<&]+)|)</([a-zA-Z][-.a-zA-Z0-9:_]*)>"
    r"|([^<&]+)"
    r"|<([a-zA-Z][^\t\n\r\f />\x00]*)(?:>|( ?/)>)"
    r"|<([a-zA-Z][^\t\n\r\f />\x00]*)((?: +[a-zA-Z][-.a-zA-Z0-9:_]*=(?:\"[^\"&]*\"|'[^'&]*'|[-.a-zA-Z0-9:_#%]+))+) *>"
    r"|</([a-zA-Z][-.a-zA-Z0-9:_]*)>"
    r"|([<&])"
)
#: one plain attribute in group 9 of HTML_TOKEN (each name follows a space). Groups: 1 name,
#: 2-4 the value "quoted", 'quoted' or bare
HTML_PLAIN_ATTRIBUTE = _sre.compile(r"(?<= )([a-zA-Z][-.a-zA-Z0-9:_]*)=(?:\"([^\"&]*)\"|'([^'&]*)'|([-.a-zA-Z0-9:_#%]+))")
#: "<" + a letter opens a start tag
HTML_STARTTAG_OPEN = _sre.compile(r"<[a-zA-Z]")
#: the extent of a start tag up to its closing ">" (html.parser's locatestarttagend_tolerant)
HTML_STARTTAG_EXTENT = _sre.compile(
    rf"<[a-zA-Z][^\t\n\r\f />\x00]*(?:[{_WS}/]*(?:(?<=['\"{_WS}/])[^{_WS}/>][^{_WS}/=>]*"
    rf"(?:[{_WS}]*=+[{_WS}]*(?:'[^']*'|\"[^\"]*\"|(?!['\"])[^>{_WS}]*)[{_WS}]*)?(?:[{_WS}]|/(?!>))*)*)?[{_WS}]*"
)
#: a start tag's name and the spaces after it (tagfind_tolerant). Groups: 1 name
HTML_TAG_NAME = _sre.compile(rf"([a-zA-Z][^\t\n\r\f />\x00]*)(?:[{_WS}]|/(?!>))*")
#: one attribute of a start tag (attrfind_tolerant). Groups: 1 name, 2 "=" and value, 3 value
HTML_ATTRIBUTE = _sre.compile(
    rf"((?<=['\"{_WS}/])[^{_WS}/>][^{_WS}/=>]*)([{_WS}]*=+[{_WS}]*"
    rf"('[^']*'|\"[^\"]*\"|(?!['\"])[^>{_WS}]*))?(?:[{_WS}]|/(?!>))*"
)
#: a whole end tag (endtagfind). Groups: 1 name
HTML_ENDTAG = _sre.compile(rf"</[{_WS}]*([a-zA-Z][-.a-zA-Z0-9:_]*)[{_WS}]*>")
#: the end tags that close the raw text of a script or a style element
HTML_SCRIPT_END = _sre.compile(rf"(?i)</[{_WS}]*script[{_WS}]*>")
HTML_STYLE_END = _sre.compile(rf"(?i)</[{_WS}]*style[{_WS}]*>")
#: a numeric character reference with the character after it ("&#51;", "&#x4e00;")
HTML_CHARREF = _sre.compile(r"&#(?:[0-9]+|[xX][0-9a-fA-F]+)[^0-9a-fA-F]")
#: a named entity reference with the character after it. Groups: 1 name
HTML_ENTITYREF = _sre.compile(r"&([a-zA-Z][-.a-zA-Z0-9]*)[^a-zA-Z0-9]")
#: the start of a reference cut by the end of the page
HTML_INCOMPLETE_REF = _sre.compile(r"&[a-zA-Z#]")
#: the end of a comment
HTML_COMMENT_CLOSE = _sre.compile(rf"--[{_WS}]*>")
#: the end of a marked section ("<![CDATA[ … ]]>") and of an MS Office one ("<![if …]>")
HTML_MARKED_CLOSE = _sre.compile(rf"][{_WS}]*][{_WS}]*>")
HTML_MS_MARKED_CLOSE = _sre.compile(rf"][{_WS}]*>")
#: a declaration's name and the spaces after it ("CDATA", "if ")
HTML_DECL_NAME = _sre.compile(rf"[a-zA-Z][-_.a-zA-Z0-9]*[{_WS}]*")
#: whitespace that HTML rendering collapses to one space
HTML_SPACE_RUN = _sre.compile(r"[ \t\r\n\f]+")
#: whitespace inside a table cell, which becomes one space
HTML_CELL_SPACE_RUN = _sre.compile(r"[ \n\t]+")
#: class/id names of page chrome in government CMS templates
HTML_CHROME_ID = re.compile(
    r"(?i)(?<![a-z])(?:nav|menu|footer|foot|header|head(?:er)?bar|breadcrumb|crumb|location|"
    r"share|toolbar|sidebar|side|copyright|banner|search|login|topbar|top-bar|pager|"
    r"related|print|fontsize|font-size)(?![a-z])"
)
#: the start of an HTML document (for sniffing files with no telling extension)
HTML_SNIFF = re.compile(r"(?is)\A\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta\s|<div[\s>]|<table[\s>]|<p[\s>])")
#: a charset declared in an HTML meta tag
HTML_CHARSET = re.compile(rb"(?i)<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([a-z0-9_\-]{2,20})")
#: characters frequent in these reports, simplified and traditional (besides ASCII): a right
#: decoding of Chinese text is dense in them, a wrong codec's output is not
COMMON_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质验属候导团持走步"
    "資訊開報處與為這個們來時說對發關過動還進實點區縣鄉鎮證認識務體機構電網頁應當門導際舉辦簡單權責業專樣絡經濟衛議復訴訟結維護規範類總計請職條據屬於組織決執聯內級戶歸檔問題況統劃協調貫徹準確"
    "信息公开工作年度报告情况申请结果复议诉讼存在改进措施局市县区委办府规范加强建设制度网站平台栏目更新及时政策解读回应培训监督考核依据条例收费减免"
    "，。、；：（）“”《》0123456789 \n\t"
)
#: a run of characters that are neither ASCII nor COMMON_CHARS (counted to score a decoding)
UNCOMMON_RUN = _sre.compile("[^\x00-\x7f" + "".join(sorted({c for c in COMMON_CHARS if not c.isascii()})) + "]+")

# ------------------------------------------------------------------------- normalize
#: markdown heading marks at a line start: "## 一、总体情况" (a line starts after "\n" or "\r",
#: the line breaks LINE_BREAK splits on: not "(?m)^", which knows "\n" only)
MD_HEADING = re.compile(r"(?<![^\r\n])[ \t]{0,3}(#{1,6})(?=[ \t]|[^#\s])")
#: markdown bold/italic marks around text: "**一是**"
MD_EMPHASIS = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")
#: a line that is only a page number: "- 1 -", "— 2 —", "第3页", "第 3 页 共 10 页", "3/10"
PAGE_NUMBER_LINE = re.compile(
    r"(?m)^[ \t]*(?:[-—–―－]{1,2}[ \t]*\d{1,4}[ \t]*[-—–―－]{1,2}|第[ \t]*\d{1,4}[ \t]*页(?:[ \t]*[,，/]?[ \t]*共[ \t]*\d{1,4}[ \t]*页)?|\d{1,4}[ \t]*/[ \t]*\d{1,4})[ \t]*$"
)
#: what every PAGE_NUMBER_LINE match holds: a dash, 页 or "/" (only lines with one are tried;
#: found with str.find, a scan much cheaper than a class's test at every character)
PAGE_NUMBER_HINT_CHARS = "-—–―－页/"
#: frequent characters that exist only in traditional script (to decide whether to convert)
TRADITIONAL_CHARS = _sre.compile(
    r"[資訊開報處與為這個們來時說對發關過動還進實點區縣鄉鎮證認識務體機構電網頁應當門導際舉辦簡單權責業專樣絡經濟衛議復訴訟結維護規範類總計請職覽條據屬於議組織決執聯內級戶歸檔問題況級統計劃協調貫徹質準確]"
)

# ---------------------------------------------------------------------------- blocks
#: line breaks of any convention
LINE_BREAK = _sre.compile(r"\r\n|\r|\n")
#: a markdown table separator row: "|---|:---:|"
MD_TABLE_SEP = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*$")
#: a table cell that is a number as printed: "1,234", "4.6260", "-4", "0.32", "+3"
NUMBER = re.compile(r"^[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
#: a cell printed for "no value": "/", "—", "-", "无", "——"
NO_VALUE = _sre.compile(r"^(?:/|／|—{1,2}|-{1,2}|–|―|无|\\)$")
#: a token of a space-separated row
SPACE_TOKEN = re.compile(r"\S+")
#: two or more spaces separating the columns of a space-aligned table row
SPACE_COLUMNS = re.compile(r"[ ]{2,}")
#: web-page footer lines kept by crawlers (used as a yes/no search: no alternative starts with
#: ``\s*``, which would make a search walk every run of spaces from every start)
CHROME_LINE = re.compile(
    r"版权所有|主办单位|承办单位|主办[:：]|承办[:：]|ICP备|网站标识码|公网安备|技术支持[:：]|联系我们|"
    r"网站地图|打印本页|关闭窗口|(?:【\s*)?字体[:：]?\s*[\[【]?\s*大\s*[\]】]?\s*[\[【]?\s*中|分享到|扫一扫|"
    r"浏览次数|访问量[:：]|来源[:：].{0,30}发布时间|发布时间[:：].{0,40}(?:来源|浏览)|当前位置[:：]|您现在的位置|"
    r"首页\s*[>＞»]|无障碍|适老化|上一篇|下一篇|相关链接|返回顶部|收藏本站|设为首页"
)
#: spam injected into hacked government pages (gambling, lotteries, adult ads)
SPAM_LINE = re.compile(
    r"博彩|赌场|娱乐城|真人(?:视讯|娱乐)|百家乐|时时彩|六合彩|彩票(?:网|平台|app|APP|注册|投注)|"
    r"(?:注册|开户)送\d|澳门(?:新葡京|威尼斯人|金沙|赌)|体育(?:投注|下注)|棋牌(?:平台|游戏)|"
    r"(?:加|\+)\s*(?:微信|vx|VX|qq|QQ)\s*[:：]?\s*[A-Za-z0-9_]{5,}|代开发票|办证(?:电话|微信)|"
    r"(?i:casino|poker|viagra|\bslot(?:s)?\b|betting)"
)
#: what every SPAM_LINE match contains: one of its words, or (SPAM_HINT_LETTER) a letter its
#: case-insensitive English words can match (ASCII, and İ ſ K which ``regex`` folds to i s k).
#: Two searches: as one alternation the standard engine reads them several times slower.
SPAM_HINT = _sre.compile(r"博彩|赌场|娱乐城|真人|百家乐|时时彩|六合彩|彩票|册送|户送|澳门|体育|棋牌|微信|代开发票|办证")
SPAM_HINT_LETTER = _sre.compile(r"[A-Za-z\u0130\u017f\u212a]")
#: what every SPAM_HINT match and every CHROME_LINE match contains, in one search (literals: the
#: standard engine skips to the characters they start with as fast as for either): the first
#: characters of CHROME_LINE's alternatives (or "ICP"), sharpened where prose is full of them
#: (下一 → 下一篇, 网站 → 网站标|网站地 …) so that most paragraphs have none. A word starting with a
#: character prose is full of is taken from further in (公网安备 → 网安, 关闭窗口 → 闭窗: each
#: 公 of 公开 would cost a try of every alternative), or left to another hint it always holds
#: (发布时间 comes with 来源 or 浏览, 设为首页 with 首页)
PAGE_HINT = _sre.compile(
    SPAM_HINT.pattern + r"|版权|主办|承办|ICP|网站标|网站地|网安|技术|联系|打印|闭窗|字体|分享|扫一|浏览|访问|来源|"
    r"当前|您现|首页|无障|适老|上一篇|下一篇|相关链|返回|收藏"
)

# ----------------------------------------------------------------- headings, numbering
#: Chinese numerals used in enumerations
CN_DIGITS = "〇零一二三四五六七八九十"
#: an enumeration marker at the start of a line, by style. Groups: the numeral.
#:   cn_dun: 一、 一. 一．  (top-level in the templates)
#:   paren_cn: (一) ㈠          (second level)
#:   num_dun: 1、 1. 1．(not followed by a digit: 1.5 is a number)
#:   paren_num: (1) 1)
#:   circled: ① … ⑳
#:   part: 第一部分 第一章 第一节
MARKER = re.compile(
    r"^[ \t]*(?:"
    r"(?P<part>第(?P<part_n>[一二三四五六七八九十]{1,3}|\d{1,2})(?:部分|章|节|项|条))"
    r"|(?P<cn_dun>(?P<cn_dun_n>[一二三四五六七八九十]{1,3})[ \t]*[、.．,，:：])"
    r"|(?P<paren_cn>\([ \t]*(?P<paren_cn_n>[一二三四五六七八九十]{1,3})[ \t]*\)[、.．]?|(?P<enclosed>[㈠-㈩]))"
    r"|(?P<num_dun>(?P<num_dun_n>\d{1,2})[ \t]*(?:、|[.．](?!\d)|,|，))"
    r"|(?P<paren_num>\(?(?P<paren_num_n>\d{1,2})\)[、.]?)"
    r"|(?P<circled>[①-⑳])"
    r")[ \t]*"
)
#: a line that starts with a markdown heading mark, as MD_HEADING finds one (before normalization
#: blanks it); tried with match() at a line's start
MD_HEADING_LINE = re.compile(r"[ \t]{0,3}#{1,6}(?=[ \t]|[^#\s])")
#: characters a sentence ends with (a line ending with one is a paragraph, never a heading:
#: the blocks stage tests a stripped line's last character)
SENTENCE_END_CHARS = "。！？!?;；"

# ------------------------------------------------------------------------ metadata
#: a report title: "…2021年政府信息公开工作年度报告", allowing spaces anywhere (PDF spacing)
TITLE = re.compile(
    r"政\s*府\s*(?:信\s*息|资\s*讯)\s*公\s*开\s*(?:工\s*作\s*)?(?:年\s*度\s*)?(?:报\s*告|年\s*报)|政\s*务\s*公\s*开\s*工\s*作\s*年\s*度\s*报\s*告"
)
#: a year as written in a title or body: 2021年, 2021 年度
YEAR = re.compile(r"(?<![\d〔\[])((?:19|20)\d\d)\s*年")
#: a year inside a document number or date bracket (〔2021〕) which says nothing of the report's year
DOC_NUMBER_YEAR = re.compile(r"[〔\[【(]((?:19|20)\d\d)[〕\]】)]")
#: endings of agency names: 局 委 办 厅 政府 …
AGENCY_SUFFIX = re.compile(
    r"(?:人民政府(?:办公厅|办公室)?|政府办公室|政府|办公厅|办公室|委员会|管理委员会|管委会|街道办事处|办事处|"
    r"[局委厅办署院所站队社会处部室馆]|中心|集团|公司|法院|检察院|支队|大队)$"
)
#: words that are not an agency even though they end like one ("本局", "我局")
NOT_AGENCY = re.compile(r"^(?:本|我|该|各|市|县|区|局|委|全)[局委厅办署院]?$")
#: a date line that signs off a report: "2022年1月20日"
SIGN_DATE = re.compile(r"^\s*(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
#: punctuation that an agency name never holds
AGENCY_PUNCT = re.compile(r"[，。；：、!?！？]")
#: a year at the end of a squeezed title's head: "…商务局2021年度". Groups: 1 the year
TITLE_HEAD_YEAR = re.compile(r"((?:19|20)\d\d)年?度?$")
#: the 年/年度 that follows a year
YEAR_SUFFIX = re.compile(r"^年?度?")

# ---------------------------------------------------------------------- templates
#: headings typical of the 2008-2018 free-form reports
TEMPLATE_PRE2019 = re.compile(r"概\s*述|依申请公开政府信息的?情况|收费及减免|不予公开政府信息的?情况|因政府信息公开申请")

# ------------------------------------------------------------------------ statements
#: the end of a sentence: its punctuation and any closing quotes or brackets after it
SENTENCE_BREAK = re.compile(r"[。！？!?；;]+[”’」』)）\]】]*")
#: SENTENCE_BREAK on the standard engine (plain character classes, so the two agree: the fuzz
#: suite checks it), several times cheaper per call: nlp.statements cuts every paragraph with
#: it. SENTENCE_BREAK itself stays as it was: the benchmark's floor times it as one of its passes
SENTENCE_BREAK_SRE = _sre.compile(SENTENCE_BREAK.pattern)
#: an enumeration marker opening an item inside running text, when it follows a start,
#: a punctuation mark or a space: 一是 / 第一， / (一) / (1) / 1. / 1、 / ① / 首先，/ 一方面
_ITEM_MARKER_AFTER = r"(?:(?<=^)|(?<=[。！？!?；;：:，,、\s]))"
_ITEM_MARKER_BODY = (
    r"(?:"
    r"[一二三四五六七八九十]{1,2}是"
    r"|第[一二三四五六七八九十]{1,2}(?=[,，、是])"
    r"|\([一二三四五六七八九十]{1,2}\)|[㈠-㈩]"
    r"|\(\d{1,2}\)"
    r"|\d{1,2}(?:[、]|[.．](?!\d))"
    r"|[①-⑳]"
    r"|(?:首先|其次|再次|再者|最后)(?=[,，])"
    r"|(?:另一方面|一方面)"
    r")"
)
ITEM_MARKER = re.compile(_ITEM_MARKER_AFTER + r"[ ]*" + _ITEM_MARKER_BODY)
#: the same markers without the spaces before them, for scanning a whole paragraph: the
#: leading ``[ ]*`` makes a search try every start in a run of spaces (quadratic on a
#: PDF line of thousands of spaces), and a marker after spaces is found here at the marker
ITEM_MARKER_AT = re.compile(_ITEM_MARKER_AFTER + _ITEM_MARKER_BODY)
#: where ITEM_MARKER_AT can match after the text's start: a character its lookbehind accepts,
#: then one a marker can open with. Trying ITEM_MARKER_AT only after these is much cheaper
#: than its own scan, which tests the lookbehind at every position (nlp.statements._markers;
#: keep the two character sets in step with _ITEM_MARKER_AFTER and _ITEM_MARKER_BODY)
ITEM_MARKER_HINT = re.compile(r"[。！？!?；;：:，,、\s](?=[一二三四五六七八九十第(㈠-㈩\d①-⑳首其再最另])")
#: a comma after which a remedy clause begins: where one sentence holds a problem and its remedy
REMEDY_CLAUSE = _sre.compile(
    r"[，,](?=[ ]*(?:下一步|下步|今后|接下来|下阶段|我们将|我局将|我委将|我办将|我县将|我区将|我市将|我镇将|我乡将|"
    r"将进一步|将继续|将加强|将着力|将持续|拟|计划|要进一步|为此|对此|针对(?:这|此|上述|以上)))"
)
#: a clause that only leads into what follows ("下步工作中，", "在今后的工作中，"): no cut after it
LEAD_IN_CLAUSE = re.compile(r"^[ ]*(?:在)?(?:今后|下一步|下步|下阶段|接下来|新的一年|\d{4}年)(?:的)?(?:工作中|工作)?[ ]*$")
#: an introduction that ends with a colon before a list ("主要是：", "重点抓好以下工作：")
INTRO_COLON = re.compile(r"[：:][ ]*(?=\S)")
#: a run of characters that carry meaning (a piece without any is dropped)
WORDY = re.compile(r"[\p{Han}A-Za-z0-9]")

# ---- tables
#: whitespace inside a table label ("结果 维持", "三、 本年度 办理结果"): removed before matching
TABLE_SPACE = re.compile(r"\s+")
#: a table cell that holds a number, as printed: "1,234", "4.6260", "-4", "+3", "32件".
#: Groups: num (the number without unit). At most 18 digits before the point (a count or an
#: amount of any report has far fewer): a longer run is no number a table holds, and read as
#: one it would end as an int Python refuses to make (over 4,300 digits), a float that
#: overflows to infinity (not JSON), or a sum no float comparison can take.
TABLE_VALUE = re.compile(
    r"^(?P<num>[+\-]?(?:\d{1,3}(?:[,，]\d{3}){1,5}|\d{1,18})(?:\.\d+)?)[ ]?(?:件|条|个|项|次|人次|家|万元|元)?$"
)
#: a t2 group caption: "第二十条第(一)项". Groups: n (the item's numeral).
TABLE_CAPTION = re.compile(r"第二十条第\(?(?P<n>[一二三四五六七八九十]{1,3})\)?项")
#: a paragraph that may hold a table flattened into running text (crawler output)
TABLE_FLAT_HINT = re.compile(r"信息内容|申请人情况|勾稽关系|本年新收政府信息公开申请数量|结果\s?维持|复议后起诉|本年制发件数|本年新制作数量")
#: sentence punctuation: a paragraph with it is prose, not a table row printed with spaces
TABLE_PROSE = re.compile(r"[。；;！!？?]")
#: the printed values right after a label in flattened text: digits, separators and
#: "/"/"—" placeholders, possibly glued together ("0000000", "1 0 6", "24.6260")
TABLE_FLAT_RUN = re.compile(r"[ \t]*(?:[+\-]?\d|[/／—–])[\d,.，/／—– \t+\-]{0,200}")
#: one token of a flattened value run: a number (digits may be glued) or a placeholder
TABLE_FLAT_TOKEN = re.compile(r"[+\-]?\d[\d,.]*|[/／]|—{1,2}|–")
#: the next row's enumeration glued to the end of a value run ("0000000" + "2.") — a
#: printed number never ends with "." or "、", so such a tail is numbering
TABLE_FLAT_NUMBERING_TAIL = re.compile(r"\d[.、]$")
#: what may stand between a flattened row label's keyword and its values
#: ("本年新收" + "政府信息公开申请数量" + "0000000"): label characters, no digits
TABLE_FLAT_LABEL_TAIL = re.compile(r"[^\d\n。；;/／—–]{0,48}?(?=[ \t]*(?:[+\-]?\d|[/／—–]))")
#: one way to split glued digits: a number with no leading zero, optional decimals
#: (nlp.tables._piece_starts finds the same pieces in ASCII tokens by a scan: keep in step)
TABLE_SPLIT_PART = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")

# ---- prose checks (precision over recall: only plain statements)
# nlp.checks._may_state skips a clause without the words the three statement patterns need
# (未/没有/无; 收到/接到/受理 and 申请; 行政复议/行政诉讼/举报/投诉): keep it in step with them
#: a clause of running text (prose checks read clause by clause)
PROSE_CLAUSE = _sre.compile(r"[^。；;，,！!？?\n]+")
#: a clause saying no disclosure application was received this year:
#: "未收到依申请公开", "未接到公民、法人和其他组织提出的政府信息公开申请"
PROSE_NO_APPLICATION = re.compile(
    r"(?:未|没有|无)(?:收到|接到|受理)(?:过|任何)?"
    r"(?:公民、?法人(?:和|或|及)其他组织|任何单位(?:和|或)个人|群众|社会公众|申请人)?(?:提出|提交|的){0,2}"
    r"(?:依申请公开|(?:政府)?信息公开申请|政府信息公开的申请)(?:的申请|申请|政府信息|事项|情况)?[ \t]*$"
)
#: a clause saying there was no administrative review / lawsuit about disclosure:
#: "无行政复议、行政诉讼、举报投诉情况", "没有因为政府信息公开工作被申请行政复议或提起行政诉讼"
PROSE_NO_REVIEW = re.compile(
    r"(?:未|没有|无)(?:发生|出现|收到|接到)?(?:(?:因为?)?政府信息公开(?:工作|申请)?的?)?(?:被申请|被提起|被)?"
    r"(?P<what>(?:[、和或及与]?(?:提起|被提起|申请)?(?:行政复议|行政诉讼|举报投诉|举报|投诉))+)(?:的?(?:案件|情况|事项))?[ \t]*$"
)
#: "共收到政府信息公开申请12件" (a count stated plainly). Groups: n
PROSE_APPLICATION_COUNT = re.compile(
    r"(?:共|全年|本年度?|全年共)(?:新)?(?:收到|接到|受理)(?:各类)?(?:政府信息公开申请|依申请公开(?:申请)?|信息公开申请)"
    r"(?:共|合计)?(?P<n>\d{1,6})[ \t]*(?:件|个|条|份|次)"
)
#: qualifiers that make a statement partial or about part of the year ("除…外", "其他申请",
#: "上半年", "3月") — such clauses are skipped
PROSE_QUALIFIER = re.compile(r"除|以外|之外|其他申请|其余|上半年|下半年|季度|\d{1,2}\s*月|截至|截止|此前|以前")
#: a year mentioned in a clause
PROSE_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")

# ---- store / query
#: what similarity ignores: everything but Han characters, letters and digits (punctuation,
#: spaces, enumeration brackets), so a copy re-punctuated or re-spaced still counts as a copy
SIM_DROP = re.compile(r"[^\p{Han}A-Za-z0-9]+")
#: numbers, compared as one placeholder: a copy with this year's dates and counts is still a copy
SIM_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: enumeration words that open items ("一是", "第二，", "首先"): not content
SIM_ENUM = re.compile(r"(?:^|(?<=[。；;，,：:\s]))(?:[一二三四五六七八九十]{1,2}是|第[一二三四五六七八九十]{1,2}(?=[，,、])|首先|其次|再次|最后)")
#: specificity cues in a problem statement — something an evaluator can check:
#: a named platform, column, account or document (quoted or in book-title marks)
SPEC_NAMED = re.compile(r"[“「《\"'‘][^”」》\"'’\n]{2,30}[”」》\"'’]")
#: … a channel named by its kind (an app, an account, a hotline), not "平台" in general
SPEC_CHANNEL = re.compile(r"微信公众号|公众号|政务微博|微博|抖音|头条号|客户端|小程序|APP|App|app|12345|热线|政务服务网|依申请公开系统|政府信息公开目录")
#: … a column or special page with a name of its own (the name is checked against generic words in code)
SPEC_COLUMN = re.compile(r"(?P<name>\p{Han}{2,10}?)(?:专栏|栏目|专题|子栏目|频道)")
#: … a count with its unit or a share: "3件", "12条", "85%", "5个工作日"
SPEC_NUMBER = re.compile(r"(?<!\d)\d+(?:\.\d+)?[ ]?(?:%|％|件|条|个工作日|个|项|次|人次|家|篇|期|万元|元|天|日内|小时|批|份|人)")
#: … a date or a period inside the year: "3月", "10月15日", "第一季度", "上半年"
SPEC_DATE = re.compile(r"(?<![\d.])\d{1,2}[ ]?月(?:份|[ ]?\d{1,2}[ ]?日)?|[一二三四1-4]季度|上半年|下半年|年初|年底|年末")
#: stock phrases that admit a problem without saying which: "有待进一步加强", "还存在一些不足"
SPEC_STOCK = re.compile(
    r"有待(?:进一步)?(?:加强|提高|提升|完善|改进|增强|深化|规范)"
    r"|(?:还|仍|依然|仍然)(?:存在|有)(?:着)?(?:一些|一定的?|不少|若干)?(?:不足|差距|问题|短板|薄弱环节)"
    r"|(?:不够|尚不|还不|仍不)(?:到位|完善|全面|及时|深入|规范|健全|有力|充分|细致|丰富|广泛|高|强)"
    r"|(?:与|同|对照)(?:上级|新形势|新时代|人民群众|群众|社会公众|公众)\p{Han}{0,12}(?:要求|期待|期盼|需求|期望)"
    r"|(?:需要|还需|仍需|尚需)(?:进一步)?(?:加强|提高|提升|完善|改进)"
)

# ---- benchmark (speed: normalization folds only where there is something to fold)
#: the characters nlp.normalize folds: full-width ASCII except ，：；！？ (kept), dash variants and
#: space variants; tests check this class is exactly the translation table's keys. A run is
#: spelled "[…][…]*", not "[…]+": a pattern that opens with a class lets ``_sre`` skip to the
#: class's characters in its fast charset scan, where "+" makes it try a match at every position
_FOLDABLE_CLASS = (
    "[\uff02-\uff0b\uff0d-\uff19\uff1c-\uff1e\uff20-\uff5e\ufe59\ufe5a\u2212\ufe63\u2010\u2011"
    "\u00a0\u1680\u2000-\u200d\u202f\u205f\u2060\u3000\ufeff\x0b\x0c]"
)
FOLDABLE = _sre.compile(_FOLDABLE_CLASS + _FOLDABLE_CLASS + "*")
#: FOLDABLE and TRADITIONAL_CHARS in one scan (nlp.normalize reads the text once for both): a
#: run of foldable characters, or a traditional character and the foldable run after it
FOLDABLE_OR_TRADITIONAL = _sre.compile(
    "[" + _FOLDABLE_CLASS[1:-1] + TRADITIONAL_CHARS.pattern[1:-1] + "]" + _FOLDABLE_CLASS + "*"
)
