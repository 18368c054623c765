//! The words of the mail programs: quote headers, header blocks, separators, mobile
//! footers, sign-offs and contact data, in the European languages clients write in.
//! Only patterns live here; the decisions are in `quotes` and `signature`.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

/// Where a word starts and ends. Unicode `\b` sends the regex engine to its slow
/// paths on non-ASCII text; these consume the neighbouring character instead (every
/// pattern here is only asked whether it matches).
const WB: &str = r"(?:^|[^\p{L}\p{N}_])";
const WE: &str = r"(?:$|[^\p{L}\p{N}_])";

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

/// Words that open an "On … wrote:" header.
const LEADS: &str = r"on|at|le|am|el|il|op|em|w dniu|в|den|d\.|på|dne|il giorno|no dia|dnia|v|kello|on \w+|el dia|el día|op \w+|στις|la|pe|dana|dňa|ar|на|у|u|fl-\w+|o|d'ar|d’ar|\d{1,2}\.?";
/// The verbs of those headers.
const VERBS: &str = r"wrote|writes|a écrit|a ecrit|écrit|ecrit|schrieb|hat geschrieben|escribió|escribio|ha escrit|ha scritto|scrisse|schreef|heeft geschreven|escreveu|napisał|napisała|napisal|pisze|написал|написала|пишет|skrev|skrev følgende|kirjoitti|napsal|napsala|napísal|írta|a scris|έγραψε|yazdı|je napisao|je napisala|napisao|napisala|wrote the following|ysgrifennodd|scríobh|напиша|написа|написао|написала|написав|kiteb|kitbet|escribiu|idatzi du|idatzi zuen|skrifaði|rašė|rakstīja|kirjutas|shkroi|huet geschriwwen|heeft op .{1,40}? geschreven|en deus skrivet|he deus skrivet|o deus skrivet";

/// "On Mon, … wrote:" in the languages our users and their contacts write in.
pub static WROTE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^\s*[>\s]*[-_=*~]*\s*({LEADS})[^\p{{L}}\p{{N}}_](.*[^\p{{L}}\p{{N}}_])?({VERBS})(\s*:?\s*[-_=*~]*\s*$|{WE}.*:\s*$)"
    ))
});
/// The first words of such a header, and the weekdays and dates headers start with.
pub static HEADER_LEAD: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^\s*[>\s]*(({LEADS})\s|\d{{1,4}}[-/.\s]|(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag){WE}|(lun|mar|mer|jeu|ven|sam|dim|mo|di|mi|do|fr|sa|so|lu|gio|mié|jue|vie|sáb|seg|ter|qua|qui|sex)\.)"
    ))
});
/// "Name <a@b> wrote:" with no date, and "2025-11-03 14:30 GMT+01:00 Name <a@b>:".
pub static DATED_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^\s*(\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]\d{{1,2}}[-/.]\d{{2,4}}).*<[^>\s]+@[^>\s]+>\s*\)?\s*:?\s*$|^\s*.*<[^>\s]+@[^>\s]+>\s*\)?\s+({VERBS})(\s*:?\s*$|{WE}.*:\s*$)"
    ))
});
/// The verb of an "On … wrote:" header alone at the end of its line.
pub static VERB_ENDS: LazyLock<Regex> =
    LazyLock::new(|| re(&format!(r"(?i){WB}({VERBS})\s*:\s*$")));
/// What proves a header: an address, a year, a day and month in figures.
pub static DATED: LazyLock<Regex> =
    LazyLock::new(|| re(r"@|(?-u:\b)(19|20)\d{2}(?-u:\b)|(?-u:\b)\d{1,2}[./-]\d{1,2}(?-u:\b)"));
/// A year in figures, as header blocks write their dates (a day and month alone, "10.3.",
/// prove no header).
pub static YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"(?-u:\b)(19|20)\d{2}(?-u:\b)"));
/// "-----Original Message-----", "----- Mail original -----" and their translations.
pub static ORIGINAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*>?\s*[-_=*~]{2,}\s*(original message|original|message d'origine|message d’origine|message original|mail original|mail d'origine|mail d’origine|courriel original|courriel d'origine|mensaje original|ursprüngliche nachricht|original-nachricht|ursprüngliche e-mail|oorspronkelijk bericht|origineel bericht|messaggio originale|messaggio originario|mensagem original|исходное сообщение|wiadomość oryginalna|oryginalna wiadomość|ursprungligt meddelande|originalmeddelelse|opprinnelig melding|původní zpráva|původní e-mail|alkuperäinen viesti|eredeti üzenet|mesaj original|αρχικό μήνυμα|missatge original)\s*[-_=*~]{2,}\s*$",
    )
});
/// The From line of a header block ("From: …", "De : …", "**From:** …").
pub static HEADER_FROM: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*>?\s*\**\s*(from|de|de la|von|van|od|от|da|från|fra|lähettäjä|feladó|από|kimden|expéditeur|remitente|mittente|afzender|remetente|nadawca|від|šalje|nuo|saatja|frá|ó|од|nga|oddi wrth|nork|minn|vum)\s*\**\s*:\s*\**.+",
    )
});
/// The other fields of such a block.
pub static HEADER_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*>?\s*\**\s*(sent|envoyé|envoye|date|sujet|pour|gesendet|datum|to|à|a|an|aan|para|cc|cci|bcc|copie à|subject|objet|betreff|onderwerp|asunto|oggetto|assunto|temat|тема|отправлено|кому|wysłano|do|enviado|enviada|inviato|verzonden|skickat|sendt|till|til|ämne|emne|odesláno|komu|předmět|lähetetty|vastaanottaja|aihe|elküldve|címzett|tárgy|trimis|către|subiect|στάλθηκε|προς|θέμα|gönderildi|kime|konu|data|fecha|envoyé le|sent on|reply to|répondre à|antwort an|изпратено|до|копие|надіслано|poslano|prima|za|predmet|zadeva|odoslané|kópia|kopija|išsiųsta|kam|tema|nosūtīts|tēma|saadetud|adressaat|teema|koopia|enviat|per a|assumpte|efni|afrit|dato|kopi|másolat|seolta|chuig|ábhar|послато|за|копија|dërguar|për|subjekti|anfonwyd|at|pwnc|bidalia|nori|gaia|mibgħut|lil|suġġett|geschéckt|un)(\s+(el|le|am|on|den|dne|il|em))?\s*\**\s*:",
    )
});
/// Headers that name the author or the reader first, with no verb after a date:
/// Horde's "Citation de Name <a@b>:", The Bat!'s "Вы писали 8 апреля 2026 г., 10:05:12:".
pub static AUTHOR_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*[>\s]*((citation de|quoting|zitat von|cita de|citando|citaat van|cytuję|cituji)\s.{1,200}|(вы писали|you wrote|vous avez écrit|sie schrieben|du schriebst|escribiste|ha scritto|jij schreef|ви писали|ви написали|ви писахте)(\s.{0,80})?):\s*$",
    )
});
/// GroupWise's `>>> "Name" <a@b> 08/04/2026 10:05 >>>`.
pub static GROUPWISE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*>>>\s.*@.*\d{1,2}[./-]\d{1,2}[./-]\d{2,4}.*>>>\s*$"));
/// "Name wrote on <date>:" with the name first and a date after the verb, as
/// Thunderbird writes it in several languages ("X kirjoitti 8.4.2026 klo 11.05:").
pub static NAME_VERB_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^\s*[>\s]*\S.{{0,100}}[^\p{{L}}\p{{N}}_]({VERBS})\s.{{0,60}}\d.{{0,40}}:\s*$"
    ))
});
/// Orange's and SFR's "> Message du 03/11/25 14:30" above their header block.
pub static MESSAGE_OF: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^\s*>?\s*(message du|message of)\s+\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}\s*$")
});
/// A short paragraph ending with a colon that names an address or a time: the
/// "<date> <name> <address> wrote:" of every language we cannot list.
pub static GENERIC_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?i)^.*(@|(?-u:\b)\d{1,2}[:.h]\d{2}(?-u:\b)|(?-u:\b)(19|20)\d{2}(?-u:\b)).*:\s*$")
});
/// The marker of a forwarded message: what follows it is the content, not history.
/// Yahoo's text part runs the forward's fields on after the marker, on its line.
pub static FORWARD_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*([-_=*~]{2,}\s*(forwarded message|message transféré|message transfere|mail transféré|weitergeleitete nachricht|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato|mensagem encaminhada|wiadomość przekazana|vidarebefordrat meddelande|videresendt meddelelse|videresendt melding|přeposlaná zpráva|välitetty viesti)\s*[-_=*~]{2,}(\s+(de|from|von|van|da|od|från|fra)\s*:.*)?|[-_=*~]{2,}\s*(transféré par|forwarded by|weitergeleitet von|reenviado por|inoltrato da|doorgestuurd door)\s.{1,120}[-_=*~]{2,}|begin forwarded message:|début du message réexpédié\s*:|début du message transféré\s*:|anfang der weitergeleiteten nachricht:|inicio del mensaje reenviado:)\s*$",
    )
});
/// A line of dashes or underscores some signatures start with.
pub static RULE_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*([-_=~*]\s?){4,}\s*$"));
/// A separator line Outlook and webmails put above their header block.
pub static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*>?\s*(_{8,}|-{8,}|={8,})\s*$"));
/// "Please reply above this line" markers of notification systems.
pub static ABOVE_THIS_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)(reply above this line|répondez au-dessus de cette ligne)"));
/// Words that name answers: "réponses", "je réponds", "answers", "Antworten"…
const ANSWER_WORDS: &str = r"réponses?|répond[su]?|je réponds|commentaires?|remarques?|answers?|answered|replies|replied|comments?|responses?|antworten?|antworte|kommentare|respuestas?|contesto|respondo|comentarios|rispost[ae]|rispondo|commenti|antwoorden?|antwoord|reacties|respostas?|comentários|odpowiedzi|odpowiadam|komentarze|svar(en)?|svarar|svarer|kommentarer|odpovědi|odpovídám|vastaukset|vastaan|válaszok|válaszolok|răspunsuri|απαντήσεις|respostes|vastused|vastan|atbildes|atsakymai|cevaplar|cevaplarım|yanıtlar|yanıtlarım|odgovori|odpovede|отговорите|отговори|ответы|відповіді|atebion|erantzunak|përgjigjet|svör|vastasin|atbildēju|atsakiau|odpovedal|odpovedala|odgovorio|odgovorila|odgovoril|ответил|ответила|відповів|відповіла|yanıtladım|cevapladım|respondín|svarede|svarade|svarte";
/// Where the answers are: below, in the text, in a colour.
const ANSWER_PLACES: &str = r"ci-dessous|ci-après|en dessous|plus bas|dans le texte|dans ton message|dans votre message|en bleu|en rouge|en vert|en gras|entre les lignes|below|inline|in line|in blue|in red|in green|in bold|in the text|between the lines|unten|im text|in blau|in rot|abajo|debajo|en azul|en rojo|en el texto|sotto|in blu|in rosso|nel testo|hieronder|in het blauw|in het rood|in de tekst|abaixo|em azul|em vermelho|no texto|poniżej|na niebiesko|na czerwono|w tekście|nedan|nedenfor|i blått|med blått|med blåt|i teksten|i texten|níže|modře|červeně|v textu|alla|sinisellä|tekstissä|lent|kékkel|mai jos|cu albastru|παρακάτω|a sota|en blau|en vermell|a vermelho|punasega|allpool|sarkanā krāsā|zemāk|raudonai|žemiau|kırmızı ile|kırmızıyla|aşağıda|ispod|crvenom|crvenom bojom|nižšie|červenou|spodaj|z rdečo|по-долу|в червено|ниже|красным|нижче|червоним|isod|tartean|behean|gorriz|embaixo|en vermello|më poshtë|me të kuqe|hér að neðan|með rauðu|med rødt";
/// "My answers are below / in blue / in the text": the sender answered inside the quote.
pub static ANSWERS_BELOW: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i){WB}({ANSWER_WORDS})[^\p{{L}}\p{{N}}_](.{{0,40}}[^\p{{L}}\p{{N}}_])?({ANSWER_PLACES}){WE}|{WB}(voir|cf\.?|see|siehe|ver|vedi|zie|veja|zobacz|se|viz|katso)\s+({ANSWER_PLACES}){WE}"
    ))
});
/// A greeting alone on its line ("Bonjour Claire,", "Здравствуйте, Yves."): what a reply
/// template writes above the quote when the sender answers under it.
pub static GREETING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(bonjour|bonsoir|salut|cher|chère|madame|monsieur|hello|hi|dear|good morning|good afternoon|hallo|guten tag|liebe|lieber|sehr geehrte|sehr geehrter|grüezi|servus|moien|hola|buenos días|buenas tardes|estimado|estimada|bon dia|buongiorno|buonasera|ciao|gentile|olá|bom dia|boa tarde|caro|cara|goedendag|beste|dzień dobry|witam|ahoj|dobrý den|dobrý deň|dobar dan|zdravo|pozdravljeni|здравствуйте|добрый день|привет|добър ден|здраво|добар дан|добрий день|hej|hei|moi|god dag|goddag|góðan dag|halló|tere|labas|laba diena|sveiki|labdien|szia|jó napot|bună ziua|γεια σας|καλημέρα|merhaba|dia dhuit|helo|bongu|kaixo|ola|boas|përshëndetje)([\s,!.].{0,40})?$",
    )
});
/// Tracking marks some webmail extensions append to every message.
pub const TRACKING_MARKS: [&str; 1] = ["\u{1427}"];

/// The verbs of mobile and app footers: "Sent from", "Envoyé de", "Von … gesendet"…
const SENT: &str = concat!(
    r"sent from|sent with|sent via|sent using|sent on|",
    r"envoyé de|envoyé depuis|envoyé avec|envoyé à partir de|envoyé via|envoye de|envoye depuis|envoye avec|expédié de|expédié depuis|",
    r"von meinem|gesendet von|gesendet mit|mit .{1,30} gesendet|",
    r"enviado desde|enviado con|enviado do|enviado de|enviado a partir|enviado dende|enviat des de|enviat des del|enviat amb|",
    r"inviato da|inviato con|inviato dal|verzonden vanaf|verzonden met|verstuurd vanaf|verstuurd met|",
    r"wysłane z|wysłano z|wysłane za pomocą|odesláno z|odesláno pomocí|odoslané z|odoslané zo|odoslané pomocou|",
    r"(poslano s|poslano sa|poslano z|poslano iz|poslato sa|poslato s|послато са|послато из|",
    r"изпратено от|изпратено с|отправлено с|отправлено из|отправлено от|надіслано з|відправлено з|",
    r"išsiųsta iš|siųsta iš|nosūtīts no|sūtīts no|saadetud)\s.{0,30}(iphon|ipad|android|samsung|galaxy|",
    r"huawei|xiaomi|pixel|telefon|mobil|smartphone|outlook|mail|pošt|пошт|почт|телефон|таблет|tablet)[\p{L}'’-]*|",
    r"skickat från|skickat med|sendt fra|sendt med|sent úr|sent frá|lähetetty|",
    r"küldve|trimis de pe|trimis cu|στάλθηκε από|seolta ó"
);
/// Footers that name the device first and the verb last ("iPhone-ról küldve",
/// "iPhone'umdan gönderildi").
const SENT_LAST: &str = r"(my |az |a )?(iphone|ipad|android|samsung|galaxy|huawei|xiaomi|pixel|outlook)[\p{L}'’-]*(\s+[\p{L}'’-]+){0,2}\s+(küldve|gönderildi|bidalia)";
/// Mobile and webmail footers, alone on their line or followed by their link.
pub static DEVICE_FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?i)^\s*(\[\s*)?(({SENT}){WE}.{{0,60}}|{SENT_LAST}|get outlook for .{{1,20}}|obtenir outlook pour .{{1,20}}|obtenez outlook pour .{{1,20}}|télécharger outlook pour .{{1,20}}|outlook für .{{1,20}} herunterladen|outlook für .{{1,20}} beziehen|obtener outlook para .{{1,20}}|scarica outlook per .{{1,20}}|outlook voor .{{1,20}} downloaden|baixe o outlook para .{{1,20}}|obter o outlook para .{{1,20}}|pobierz outlook dla .{{1,20}}|skaffa outlook för .{{1,20}}|hent outlook til .{{1,20}}|hent outlook for .{{1,20}}|stáhněte si outlook pro .{{1,20}}|hanki outlook .{{1,20}}|sent from mail for windows.*|(obtenir|obtenez|télécharger|get|download)\s+[\w ]{{1,20}}\s+(pour|for)\s+(android|ios|iphone|ipad|windows|mac)|(garanti sans virus|virus-free|virenfrei|libre de virus|privo di virus|virusvrij|livre de vírus|wolne od wirusów|virusfri|bez virů)\s*\.?\s*(www\.[a-z0-9.-]+)?|courrier pour windows.*|((get|obtenir|obtenez|télécharger)\s+)?\[outlook (for|pour|für|para|per|voor|dla|för|til|pro) [^\]]{{1,20}}\])(\]\s*\(\s*https?://[^)\s]+\s*\))?\s*(<\s*https?://[^>\s]+\s*>|\(\s*https?://[^)\s]+\s*\)|\s+https?://\S+)?\s*[.!]?\s*$"
    ))
});
/// A link alone on its line: the target of a footer written on the line above (or
/// the anchor an antivirus footer leaves, `<#DAB4FAD8-…>`).
pub static LINK_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*([<(\[]?\s*https?://\S+\s*[>)\]]?|<#[0-9a-f-]{8,}>)\s*$"));

/// Sign-off formulas that open a signature block, by language.
const SIGN_OFFS: &str = concat!(
    // French
    "cordialement|bien cordialement|bàv|bav|très cordialement|tres cordialement|cdlt|cdt|bien à vous|bien a vous|bien à toi|sincères salutations|salutations distinguées|salutations|meilleures salutations|salutations cordiales|sincèrement|bien sincèrement|amicalement|bien amicalement|amitiés|bises|grosses bises|bisous|gros bisous|respectueusement|",
    // English
    "best regards|kind regards|warm regards|warmest regards|regards|best wishes|many thanks and best regards|thanks and regards|with kind regards|with best regards|with best wishes|sincerely|yours sincerely|yours faithfully|yours truly|all the best|cheers|best|",
    // German, Swiss German
    "mit freundlichen grüßen|mit freundlichen grüssen|freundliche grüße|freundliche grüsse|viele grüße|viele grüsse|beste grüße|beste grüsse|liebe grüße|liebe grüsse|herzliche grüße|herzliche grüsse|schöne grüße|schöne grüsse|mfg|lg|gruß|gruss|grüße|grüsse|freundlichi grüess|liebi grüess|en liebe gruess|gruess|grüessli|",
    // Spanish, Catalan
    "saludos|un saludo|saludos cordiales|un abrazo|abrazos|un cordial saludo|reciba un cordial saludo|un saludo cordial|atentamente|salutacions|salutacions cordials|cordialment|atentament|una abraçada|",
    // Italian
    "cordiali saluti|distinti saluti|saluti|saluti cordiali|un saluto|un caro saluto|un cordiale saluto|cari saluti|un abbraccio|cordialmente|",
    // Dutch
    "met vriendelijke groet|met vriendelijke groeten|vriendelijke groet|vriendelijke groeten|met hartelijke groet|groeten|groetjes|hartelijke groet|hartelijke groeten|mvg|",
    // Portuguese
    "atenciosamente|cumprimentos|melhores cumprimentos|com os melhores cumprimentos|com os meus cumprimentos|saudações|abraços|abraço|um abraço|",
    // Polish, Czech, Slovak
    "pozdrawiam|pozdrawiam serdecznie|serdecznie pozdrawiam|z poważaniem|z wyrazami szacunku|pozdrowienia|łączę pozdrowienia|s pozdravem|s přátelským pozdravem|se srdečným pozdravem|srdečně zdraví|srdečně|zdraví|s úctou|s pozdravom|s priateľským pozdravom|so srdečným pozdravom|",
    // Croatian, Serbian, Bosnian, Slovenian
    "lijep pozdrav|lijepi pozdrav|lep pozdrav|lepi pozdrav|lepe pozdrave|srdačan pozdrav|srdačno|s poštovanjem|sa poštovanjem|pozdrav|pozdravi|puno pozdrava|s spoštovanjem|prijazen pozdrav|lp|срдачан поздрав|с поштовањем|поздрав|",
    // Bulgarian, Russian, Ukrainian
    "поздрави|с поздрави|с уважение|с най-добри пожелания|с уважением|с наилучшими пожеланиями|всего доброго|з повагою|з найкращими побажаннями|",
    // Baltic
    "pagarbiai|su pagarba|linkėjimai|geriausi linkėjimai|ar cieņu|ar sveicieniem|sveicieni|lugupidamisega|parimate soovidega|tervitustega|",
    // Nordic
    "med vänliga hälsningar|vänliga hälsningar|med vänlig hälsning|vänlig hälsning|bästa hälsningar|mvh|hälsningar|med venlig hilsen|venlig hilsen|venlige hilsner|de bedste hilsner|bedste hilsner|mange hilsner|kærlig hilsen|med vennlig hilsen|vennlig hilsen|vennlige hilsener|beste hilsen|med hilsen|hilsen|ystävällisin terveisin|parhain terveisin|terveisin|kveðja|bestu kveðjur|með kveðju|virðingarfyllst|",
    // Irish, Welsh, Luxembourgish, Maltese, Basque, Galician, Albanian, Macedonian
    "le meas|le dea-mhéin|beannachtaí|cofion|cofion gorau|cofion cynnes|yn gywir|mat beschte gréiss|mat frëndleche gréiss|léif gréiss|bescht gréiss|schéin gréiss|sellili|tislijiet|dejjem tiegħek|agur bero bat|ondo izan|adeitasunez|saúdos|un saúdo|apertas|me respekt|me nderime|gjithë të mirat|со почит|со почитување|срдечен поздрав|срдачно|",
    // Hungarian, Romanian, Greek, Turkish
    "üdvözlettel|baráti üdvözlettel|szívélyes üdvözlettel|tisztelettel|üdv|cu stimă|cu stima|cu respect|toate cele bune|numai bine|με εκτίμηση|φιλικά|φιλικούς χαιρετισμούς|με φιλικούς χαιρετισμούς|χαιρετισμούς|saygılarımla|saygilarimla|iyi çalışmalar|İyi çalışmalar",
);
/// The words that put a place after a formula ("Liebe Grüße aus Graz").
const FROM_PLACE: &[&str] = &[
    "aus", "from", "de", "depuis", "desde", "da", "dalla", "uit", "z", "ze", "från", "fra", "iz",
    "из", "od",
];

/// The formulas, in lower case, looked up whole.
static SIGN_OFF_SET: LazyLock<HashSet<String>> =
    LazyLock::new(|| SIGN_OFFS.split('|').map(str::to_lowercase).collect());

/// Whether `line` is a sign-off formula alone, perhaps with a place after it and one
/// mark of punctuation ("Cordialement,", "Liebe Grüße aus Graz!"). Looked up in a set,
/// the line normalised first: one case-insensitive pattern of all the formulas costs
/// the trimmer more than the rest of the signature rules.
pub fn is_sign_off(line: &str) -> bool {
    let line = line.trim();
    let line = line
        .strip_suffix([',', '.', '!', ':'])
        .unwrap_or(line)
        .trim_end();
    // The longest formula with a place has about ten words.
    if line.is_empty() || line.len() > 160 {
        return false;
    }
    let lower = line.to_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.len() > 10 {
        return false;
    }
    if SIGN_OFF_SET.contains(&words.join(" ")) {
        return true;
    }
    let n = words.len();
    let place = |w: &str| {
        (2..=30).contains(&w.chars().count()) && w.chars().all(|c| c.is_alphabetic() || c == '-')
    };
    n >= 3
        && FROM_PLACE.contains(&words[n - 2])
        && place(words[n - 1])
        && SIGN_OFF_SET.contains(&words[..n - 2].join(" "))
}

/// The long French formulas ("Je vous prie d'agréer, Madame, l'expression de mes
/// salutations distinguées.") and their kin.
pub static FORMAL_SIGN_OFF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*([^,]{0,60},\s*)?(je vous prie|nous vous prions|veuillez|recevez|agréez|je vous adresse|please accept|wir verbleiben|la saludamos)\s.{0,160}(salutations|sentiments|considération|respect|hommages|regards|grüßen)\s*.{0,30}[.!]?\s*$",
    )
});
/// A link written after its text, as Outlook and Windows Mail do: `<https://…>`.
pub static INLINE_LINK: LazyLock<Regex> = LazyLock::new(|| re(r"<https?://[^>\s]*>"));
/// A phone number as people write them ("06 12 34 56 78", "+33 (0)1 23 45 67 89").
pub static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(^|[\s:.|/(])(\+|00)?\(?[0-9][0-9 \t\x{A0}\x{202F}().\-/]{7,18}[0-9](?-u:\b)|(?-u:\b)(tél|tel|tél\.|tel\.|phone|mobile|mob|port|portable|fax|gsm|handy|telefon|teléfono|telefono|tlf|puh)\s*\.?\s*[:.]",
    )
});
/// An e-mail address, a web address (or a bare domain alone on its line), a logo
/// reference.
pub static CONTACT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)[^\s@<>]+@[^\s@<>]+\.[a-z]{2,}|(?-u:\b)www\.[^\s]+|https?://\S+|^\s*(skype|linkedin|e-mail|email|mail|courriel|web|site|internet)\s*:|\[cid:[^\]]+\]|\[(logo|image|signature)[^\]]*\]|\[https?://[^\]]+\]|^\s*[a-z0-9][a-z0-9.-]*\.(fr|com|net|org|eu|be|ch|lu|de|at|es|it|nl|pt|pl|se|dk|no|fi|cz|uk|io|co|info|biz)/?\s*$",
    )
});
/// A postal code and a city ("75002 Paris", "D-10115 Berlin", "1000 Bruxelles").
pub static POSTAL: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(^|[\s,–-])([A-Z]{{1,2}}-)?[0-9]{{4,5}}\s+\p{{Lu}}[\p{{L}}'’ -]+$|(?-u:\b)\d{{1,4}}(bis|ter)?,?\s+(?i:rue|avenue|av\.|boulevard|bd|chemin|route|allée|place|impasse|quai|straße|strasse|str\.|weg|platz|calle|via|viale|piazza|straat|laan|rua|ulica|ul\.|gatan|vej|vei){WE}|(?-u:\b)\d{{1,5}}\s+(\p{{Lu}}\w*\s+){{1,3}}(?i:street|st\.|road|rd\.|avenue|ave\.|lane|drive|way|gasse|gata|gade){WE}|(?i:\p{{L}}*(straße|strasse|str\.|weg|platz|gasse|allee|ring|damm|straat|laan|gracht|plein|gatan|vägen|vej|gade|veien|gata|ulice|utca)|via|viale|piazza|corso|calle|avenida|rua|plaza|ulica|ul\.)[\p{{L}}' ]{{0,30}},?\s+\d{{1,4}}\s*[a-z]?\s*$|,\s*[A-Z]{{2}}\s+\d{{5}}(-\d{{4}})?\s*$|(?-u:\b)[A-Z]{{1,2}}\d[A-Z\d]?\s+\d[A-Z]{{2}}\s*$"
    ))
});
/// A legal form (as companies write it, in capitals) or a job title: the other lines
/// of a company signature.
pub static COMPANY: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"(?-u:\b)(SARL|SAS|SASU|EURL|SA|SCI|SNC|SCOP|EIRL|GmbH|AG|KG|UG|Ltd|LLC|Inc|PLC|S\.L\.|S\.A\.|S\.p\.A\.|SpA|S\.r\.l\.|Srl|B\.V\.|BV|N\.V\.|NV|AB|AS|A/S|Oy|Sp\. z o\.o\.|s\.r\.o\.)(?-u:\b)|(?i){WB}(gérante?|directeur|directrice|responsable|chargée? d'affaires|conducteur de travaux|conductrice de travaux|architecte|ingénieure?|assistante?|comptable|président|présidente|fondateur|fondatrice|manager|director|engineer|architect|principal|geschäftsführer|geschäftsführerin|inhaber|inhaberin|projektleiter|gerente|direttore|architetto|directeur général|ceo|cto|cfo){WE}"
    ))
});

/// The confidentiality notice some companies put under their signature.
pub static DISCLAIMER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)(confidenti|riservat|vertraulich|vertrouwelijk|confidencial|poufn|důvěrn|luottamuksellin|fortrolig|konfidentiell|ce message et (ses|toutes ses) pièces jointes|this (e-?mail|message) and any attachments|diese e-mail|questo messaggio|este mensaje|dit bericht|esta mensagem|imprim|print this e-?mail|environnement|environment)",
    )
});
/// Lines of Dossier's own notification, seen again when a reply quotes it.
pub static OUR_LINES: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(répondez à cet e-mail pour écrire dans le dossier|reply to this e-mail to write in the dossier|ouvrir le dossier(?-u:\b)|open the dossier(?-u:\b)|ne plus recevoir d'e-mails pour ce dossier|ne plus recevoir d’e-mails pour ce dossier|stop e-mails about this dossier)",
    )
});
/// A link of ours alone on its line (to a dossier, a message, the mute page), as the
/// programs write links: `<url>`, `url<url>`, `[ url | url ]`.
pub static OUR_LINK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i)^\s*(open the dossier|ouvrir le dossier)?\s*[<\[(]?\s*https?://\S+/(dossiers|mute)/\S*\s*$",
    )
});
/// The first line of our notification: "Business — 2026-0042 Title".
pub static OUR_TITLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*\S.*\s—\s\d{4}-\d{4}(?-u:\b).*$"));
/// "Claire Moreau a écrit :" with nothing else: the author line of our notification.
pub static OUR_AUTHOR: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^\s*[^\s:<>@].*\s(a écrit|wrote)\s:\s*$"));
