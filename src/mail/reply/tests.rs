//! The trimmer on the shapes each rule is for; the corpus tests run it on whole mail.
use super::*;

fn plain(text: &str, forwarded: bool) -> Trimmed {
    trim(text, &[], forwarded)
}

fn kept(text: &str) -> String {
    plain(text, false).kept
}

#[test]
fn quote_headers_in_french_and_english_cut_the_history() {
    let cases = [
        "Bonjour,\n\nC'est d'accord.\n\nLe lun. 3 nov. 2025 à 14:30, Claire Moreau <claire@atelier.test> a écrit :\n> Pouvez-vous valider ?\n",
        "Bonjour,\n\nC'est d'accord.\n\nOn Mon, Nov 3, 2025 at 2:30 PM Claire Moreau <claire@atelier.test>\nwrote:\n> Can you confirm?\n",
        "Bonjour,\n\nC'est d'accord.\n\n-----Message d'origine-----\nDe : Claire\nEnvoyé : lundi\nÀ : Hélène\nObjet : Devis\n\nPouvez-vous valider ?",
        "Bonjour,\n\nC'est d'accord.\n\n________________________________\nDe : Claire Moreau <claire@atelier.test>\nEnvoyé : lundi 3 novembre 2025 14:30\nÀ : Hélène Garnier\nObjet : Devis\n\nPouvez-vous valider ?",
        "Bonjour,\n\nC'est d'accord.\n\nFrom: Claire Moreau\nSent: Monday, November 3, 2025 2:30 PM\nTo: Hélène Garnier\nSubject: Quote\n\nCan you confirm?",
        "Bonjour,\n\nC'est d'accord.\n\n> Pouvez-vous valider ?\n> Merci",
    ];
    for case in cases {
        let t = plain(case, false);
        assert_eq!(t.kept, "Bonjour,\n\nC'est d'accord.", "{case}");
        assert!(
            t.elided.contains("valider") || t.elided.contains("confirm"),
            "{case}"
        );
    }
}

#[test]
fn signatures_and_device_footers_are_cut() {
    assert_eq!(
        kept("C'est noté.\n\n-- \nClaire Moreau\n06 12 34 56 78"),
        "C'est noté."
    );
    assert_eq!(kept("C'est noté.\n\nEnvoyé de mon iPhone"), "C'est noté.");
    assert_eq!(kept("Ok for me.\n\nSent from my iPhone"), "Ok for me.");
    assert_eq!(
        kept("C'est noté.\n\nCordialement,\nHélène Garnier\nSCI Les Tilleuls"),
        "C'est noté."
    );
    assert_eq!(
        kept("Cordialement"),
        "Cordialement",
        "a sign-off alone is the message"
    );
}

#[test]
fn sign_offs_of_every_european_language_open_the_signature() {
    for sign_off in [
        "S pozdravom",
        "S úctou",
        "Lijep pozdrav,",
        "Lep pozdrav,",
        "Srdačan pozdrav",
        "S poštovanjem,",
        "Поздрави,",
        "С уважение,",
        "С уважением,",
        "З повагою,",
        "Pagarbiai,",
        "Ar cieņu,",
        "Lugupidamisega",
        "Bästa hälsningar",
        "Venlige hilsner",
        "Bestu kveðjur",
        "Liebi Grüess",
        "Salutacions cordials,",
        "Saygılarımla",
        "Le meas,",
        "Cofion,",
        "Со почит,",
        "Saúdos,",
        "Agur bero bat,",
        "Mat beschte Gréiss,",
        "Bàv,",
        "Bises",
        "Srdečně zdraví",
    ] {
        let text = format!("C'est noté.\n\n{sign_off}\nMarta Novak\n+385 91 234 5678");
        assert_eq!(kept(&text), "C'est noté.", "{sign_off}");
    }
}

#[test]
fn bottom_posted_and_inline_replies_keep_the_answer() {
    let bottom = "On Mon, Nov 3, 2025, Claire wrote:\n> Can you confirm?\n\nYes, confirmed.";
    assert_eq!(kept(bottom), "Yes, confirmed.");
    let phone = "\n\nEnvoyé de mon iPhone\n\n> Le 21 févr. 2026 à 10:05, Claire a écrit :\n>\n> La bâche tient-elle ?\n\nElle a tenu.\nBon week-end";
    assert_eq!(
        kept(phone),
        "Elle a tenu.\nBon week-end",
        "a phone writes its footer above a bottom-posted answer"
    );
    let inline = "On Mon, Claire wrote:\n> First question?\nFirst answer.\n> Second question?\nSecond answer.";
    assert_eq!(
        kept(inline),
        "> First question?\nFirst answer.\n> Second question?\nSecond answer."
    );
}

#[test]
fn quoted_lines_that_lost_their_mark_in_wrapping_are_not_answers() {
    let text = "Je confirme.\n\nGérard\n\n------ Message d'origine ------\nDe \"Claire\" <c@x.test>\n\n>Suite à la visite, la reprise de la descente d'eaux\npluviales n'est pas dans notre lot.\n>Cordialement,\n>Ouvrir le dossier :\nhttps://dossier.example/dossiers/2026-0052";
    assert_eq!(kept(text), "Je confirme.\n\nGérard");
}

#[test]
fn client_lines_that_look_like_signature_or_quote_parts_are_kept() {
    // Found in review: each of these lost words to a rule meant for something else.
    let answers = "Le lun. 3 mars 2025 à 10:12, Cabinet <d@c.test> a écrit :\n> - Votre dernier avis d'imposition\nci-joint\n> - Un justificatif de domicile\nje vous l'envoie demain";
    assert!(
        kept(answers).contains("ci-joint") && kept(answers).contains("je vous l'envoie demain")
    );
    let thanks = "Bonjour,\n\nMerci Sophie\nJe signe demain\nJean Dupont\n06 12 34 56 78";
    assert!(kept(thanks).contains("Je signe demain"), "{}", kept(thanks));
    let printer = "Bonjour,\n\nVous pouvez joindre mon mari directement.\nMarc Durand\n06 12 34 56 78\nJe n'ai pas d'imprimante pour signer le mandat.";
    assert!(kept(printer).contains("imprimante"), "{}", kept(printer));
    let link = "Voici le dossier partagé\nhttps://drive.example/d/abc\nEnvoyé de mon iPhone";
    assert!(kept(link).contains("https://drive.example/d/abc"));
    let times = "Mes disponibilités :\n-----\nLundi 14h\nMardi 10h";
    assert_eq!(kept(times), times);
    let ps = "Merci.\n\n-----\nPS : le code est 1234";
    assert_eq!(kept(ps), ps);
}

#[test]
fn a_forward_marker_inside_the_quoted_history_of_a_reply_is_history() {
    let text = "OK merci.\n\nLe lun. 3 mars 2025 à 10:12, Claire <c@a.test> a écrit :\n> Voici ce que j'ai reçu.\n> ---------- Forwarded message ---------\n> From: Fournisseur <f@x.test>\n> Livraison jeudi.";
    assert_eq!(kept(text), "OK merci.");
}

#[test]
fn a_forward_ending_on_its_separator_does_not_panic() {
    assert_eq!(
        plain("Voir ci-dessous.\n\n-----Original Message-----", true).kept,
        "Voir ci-dessous."
    );
}

#[test]
fn a_phone_line_above_a_glued_quote_header_is_the_senders() {
    let text = "On part sur le chêne.\n\nThomas Girard\n06 98 14 25 37\nLe 9 mars 2026 à 14:02 +0100, Julien <n@l.test>, a écrit :\n> Bonjour";
    assert_eq!(kept(text), "On part sur le chêne.");
}

#[test]
fn supercite_quotes_and_a_short_ruled_signature_are_cut_around_answers() {
    let text = "Avant.\nOn Tue, Some One wrote:\n> Hello\n\nAnswer.\n\nC> Another part.\nC>\n\n______\nMy signature.";
    assert_eq!(kept(text), "Avant.\n> Hello\n\nAnswer.");
}

#[test]
fn a_forward_keeps_the_forwarded_message() {
    let text = "Pour info.\n\n---------- Forwarded message ----------\nFrom: Fournisseur <f@x.test>\nDate: lun. 3 nov.\nSubject: Livraison\nTo: Claire <c@a.test>\n\nLivraison jeudi.";
    assert_eq!(kept(text), "Pour info.\n\nLivraison jeudi.");
    let outlook = "Voir ci-dessous.\n\nFrom: Fournisseur\nSent: Monday, March 2, 2026 10:12 AM\nTo: Claire\nSubject: Livraison\n\nLivraison jeudi.\n\nCordialement,\nLe fournisseur";
    let t = plain(outlook, true);
    assert_eq!(
        t.kept, "Voir ci-dessous.\n\nLivraison jeudi.\n\nCordialement,\nLe fournisseur",
        "a forward without marker loses its header block only, and keeps its sign-off"
    );
    assert_eq!(t.cuts[0].rule, Rule::ForwardHeader);
    let yahoo = "Pour info.\nJosiane\n\n   ----- Message transféré ----- De : Magasin <m@x.test>À : Josiane <j@y.test>Envoyé : mercredi 18 février 2026 à 17:42:05 UTC+1Objet : Livraison\n\nLivraison jeudi.\n\nCordialement,\nLe magasin";
    assert_eq!(
        kept(yahoo),
        "Pour info.\nJosiane\n\nLivraison jeudi.\n\nCordialement,\nLe magasin",
        "Yahoo runs the forward's fields on after its marker"
    );
    let iphone = "Je transfère.\n\nDébut du message transféré :\n\n> De: Assureur <a@x.test>\n> Date: 12 mars 2026\n> Objet: Expertise\n>\n> \u{feff}Madame,\n> Rendez-vous lundi.";
    assert_eq!(
        kept(iphone),
        "Je transfère.\n\nMadame,\nRendez-vous lundi.",
        "an iPhone quotes what it forwards under the marker"
    );
    let twice = "Pour le dossier.\n\nMarc\n\nDe : Sophie <s@x.test>\nDate : mardi 10 mars 2026\nÀ : Marc <m@x.test>\nObjet : TR: Devis\n\nVoici le devis.\nSophie\n\n---------- Forwarded message ---------\nFrom: Couvreur <c@x.test>\nDate: Tue, Mar 10, 2026\nSubject: Devis\nTo: Sophie <s@x.test>\n\nMadame, voici le devis.";
    assert_eq!(
        plain(twice, true).kept,
        "Pour le dossier.\n\nMarc\n\nVoici le devis.\nSophie\n\nMadame, voici le devis.",
        "a forward of a forward loses both header blocks"
    );
}

#[test]
fn unknown_languages_are_cut_by_the_shape_of_their_header() {
    let text = "Yes.\n\n20 окт. 2016 г. 19:37 пользователь \"Rafael\" <\nmeta@example.test> написал:\n\n> Question?";
    assert_eq!(kept(text), "Yes.");
}

#[test]
fn text_without_history_is_kept_whole() {
    let text = "Bonjour,\n\nVoici le plan.\nÀ bientôt";
    assert_eq!(
        plain(text, false),
        Trimmed {
            kept: text.into(),
            elided: String::new(),
            cuts: Vec::new(),
        }
    );
}

fn rules(text: &str) -> Vec<Rule> {
    plain(text, false).cuts.iter().map(|c| c.rule).collect()
}

const GMAIL_FR: &str = "Le lun. 3 nov. 2025 à 14:30, Claire Moreau <claire@atelier.test> a écrit :";

#[test]
fn the_line_above_a_quote_header_is_the_senders() {
    for reply in ["OK pour jeudi.", "Le devis me va.", "ok merci"] {
        let text = format!("{reply}\n{GMAIL_FR}\n> Pouvez-vous confirmer ?");
        assert_eq!(kept(&text), reply, "{text}");
    }
    let wrapped = "Oui.\n\nLe lun. 3 nov. 2025 à 14:30, Claire Moreau <\nclaire@atelier.test> a écrit :\n> Question ?";
    assert_eq!(kept(wrapped), "Oui.");
    let decorated =
        "Oui.\n\n---- On Tue, 22 Dec 2015 14:17:36 +0530 Sam <sam@x.test> wrote ----\n\nQuestion?";
    assert_eq!(kept(decorated), "Oui.");
}

/// Our notification as a mail program quotes it, `prefix` before each line.
fn our_notification(prefix: &str) -> String {
    [
        "Atelier Moreau — 2026-0042 Rénovation salle de bain",
        "",
        "Claire Moreau a écrit :",
        "",
        "Pouvez-vous confirmer la date du 12 ?",
        "Et le carrelage ?",
        "<https://dossier.test/dossiers/x/messages/y>",
        "",
        "-- ",
        "Répondez à cet e-mail pour écrire dans le dossier ; vos pièces jointes y seront ajoutées.",
        "Ouvrir le dossier : https://dossier.test/dossiers/x",
        "Ne plus recevoir d'e-mails pour ce dossier : https://dossier.test/mute/z",
    ]
    .iter()
    .map(|l| format!("{prefix}{l}").trim_end().to_string())
    .collect::<Vec<_>>()
    .join("\n")
}

#[test]
fn answers_between_the_quoted_lines_of_our_notification_keep_the_questions_only() {
    let quoted = our_notification("> ").replace(
        "> Et le carrelage ?",
        "Oui, le 12 me convient.\n> Et le carrelage ?\nPlutôt le beige.",
    );
    let text = format!("{GMAIL_FR}\n{quoted}");
    let t = plain(&text, false);
    assert_eq!(
        t.kept,
        "> Pouvez-vous confirmer la date du 12 ?\nOui, le 12 me convient.\n> Et le carrelage ?\nPlutôt le beige."
    );
    assert!(t.cuts.iter().any(|c| c.rule == Rule::OurNotification));
    assert!(t.elided.contains("Ne plus recevoir"));
}

#[test]
fn answers_inside_an_outlook_quote_are_kept_when_the_sender_says_so() {
    let notification = our_notification("")
        .replace("date du 12 ?", "date du 12 ? Oui, le 12.")
        .replace("Et le carrelage ?", "Et le carrelage ? Le beige.");
    let text = format!(
        "Bonjour Claire,\n\nMes réponses ci-dessous en bleu.\n\nHélène\n\nDe : Atelier Moreau <dossier+r7k2@atelier.test>\nEnvoyé : lundi 3 novembre 2025 14:30\nÀ : Hélène Garnier <helene@example.test>\nObjet : [2026-0042] Rénovation salle de bain\n\n{notification}"
    );
    assert_eq!(
        kept(&text),
        "Bonjour Claire,\n\nMes réponses ci-dessous en bleu.\n\nHélène\n\nPouvez-vous confirmer la date du 12 ? Oui, le 12.\nEt le carrelage ? Le beige."
    );
    let silent = text.replace("Mes réponses ci-dessous en bleu.", "Merci.");
    assert_eq!(kept(&silent), "Bonjour Claire,\n\nMerci.\n\nHélène");
}

#[test]
fn header_blocks_of_webmails_and_other_languages_cut_the_history() {
    let cases = [
        "----- Mail original -----\nDe: \"Claire Moreau\" <claire@atelier.test>\nÀ: \"Paul\" <paul@free.test>\nEnvoyé: Lundi 3 Novembre 2025 14:30:00\nObjet: Devis\n\nPouvez-vous valider ?",
        "> Message du 03/11/25 14:30\n> De : \"Claire Moreau\" <claire@atelier.test>\n> A : helene@orange.test\n> Copie à :\n> Objet : Devis\n>\n> Pouvez-vous valider ?",
        "Von: Claire Moreau <claire@atelier.test>\nGesendet: Montag, 3. November 2025 14:30\nAn: Hans Weber\nBetreff: Angebot\n\nKönnen Sie bestätigen?",
        "Från: Claire Moreau <claire@atelier.test>\nSkickat: den 3 november 2025 14:30\nTill: Erik\nÄmne: Offert\n\nKan du bekräfta?",
        "-----Ursprüngliche Nachricht-----\nVon: Claire\nGesendet: Montag\nAn: Hans\nBetreff: Angebot\n\nKönnen Sie bestätigen?",
        "Am 03.11.2025 um 14:30 schrieb Claire Moreau <claire@atelier.test>:\n> Können Sie bestätigen?",
        "Claire Moreau <claire@atelier.test> schrieb am Mo., 3. Nov. 2025 um\n14:30 Uhr:\n> Können Sie bestätigen?",
        "Il giorno lun 3 nov 2025 alle ore 14:30 Claire Moreau <claire@atelier.test> ha scritto:\n> Può confermare?",
        "El lun, 3 nov 2025 a las 14:30, Claire Moreau (<claire@atelier.test>) escribió:\n> ¿Puede confirmar?",
        "От: Claire Moreau <claire@atelier.test>\nИзпратено: понеделник, 3 ноември 2025 г. 14:30\nДо: Георги\nТема: Оферта\n\nМожете ли да потвърдите?",
        "Od: Claire Moreau <claire@atelier.test>\nPoslano: ponedjeljak, 3. studenoga 2025. 14:30\nZa: Ivana\nPredmet: Ponuda\n\nMožete li potvrditi?",
        "Nuo: Claire Moreau <claire@atelier.test>\nIšsiųsta: 2025 m. lapkričio 3 d. 14:30\nKam: Tomas\nTema: Pasiūlymas\n\nAr galite patvirtinti?",
        "Saatja: Claire Moreau <claire@atelier.test>\nSaadetud: 3. november 2025 14:30\nAdressaat: Mari\nTeema: Pakkumine\n\nKas saate kinnitada?",
        "Ó: Claire Moreau <claire@atelier.test>\nSeolta: Dé Luain, 3 Samhain 2025 14:30\nChuig: Máire\nÁbhar: Tairiscint\n\nAn féidir leat a dhearbhú?",
        "Од: Claire Moreau <claire@atelier.test>\nПослато: понедељак, 3. новембар 2025. 14:30\nЗа: Милан\nТема: Понуда\n\nМожете ли да потврдите?",
    ];
    for history in cases {
        let text = format!("Réponse.\n\n{history}");
        let t = plain(&text, false);
        assert_eq!(t.kept, "Réponse.", "{text}");
        assert!(!t.cuts.is_empty());
    }
}

#[test]
fn mobile_footers_go_with_their_links_in_every_language() {
    for footer in [
        "Obtenir Outlook pour Android<https://aka.ms/AAb9ysg>",
        "Get Outlook for iOS\n<https://aka.ms/o0ukef>",
        "[Outlook pour iOS](https://aka.ms/o0ukef)",
        "Envoyé depuis mon smartphone Samsung Galaxy.",
        "Envoyé de mon appareil Huawei",
        "Envoyé depuis Yahoo Mail pour Android",
        "Von meinem iPhone gesendet",
        "Inviato da iPhone",
        "Enviado desde mi iPhone",
        "Verzonden vanaf mijn iPhone",
        "Wysłane z iPhone'a",
        "Skickat från min iPhone",
        "Odesláno z iPhonu",
        "Odoslané z môjho iPhonu",
        "Poslano s mog iPhonea",
        "Poslano z mojega iPhona",
        "Изпратено от моя iPhone",
        "Išsiųsta iš mano iPhone",
        "Enviat des del meu iPhone",
        "iPhone-ról küldve",
        "iPhone'umdan gönderildi",
        "<https://www.avast.com/sig-email>\nGaranti sans virus. www.avast.com\n<https://www.avast.com/sig-email>\n<#DAB4FAD8-2DD7-40BB-A1B8-4E2AA1F9FDF2>",
        "Virus-free. www.avg.com",
        "\u{2063}Obtenir BlueMail pour Android \u{200b}",
    ] {
        let text = format!("C'est noté.\n\n{footer}");
        assert_eq!(kept(&text), "C'est noté.", "{footer}");
        assert_eq!(rules(&text), [Rule::DeviceFooter], "{footer}");
    }
}

#[test]
fn a_company_signature_is_cut_by_its_shape_and_an_address_in_the_text_is_not() {
    let signed = "C'est noté, merci.\n\nHélène Garnier\nGérante\nSCI Les Tilleuls\n12 rue des Lilas, 69003 Lyon\nTél. 04 78 12 34 56\nwww.sci-tilleuls.example\n[cid:image001.png@01DA1234.56789AB0]";
    assert_eq!(kept(signed), "C'est noté, merci.");
    assert_eq!(rules(signed), [Rule::SignatureBlock]);
    let titled = "Les travaux pourront commencer le 9.\n\nAurélie Dumas\nGestionnaire de copropriété\nCabinet Lemoine Immobilier\n27 boulevard Foch – 49100 Angers\nTél. : 02 41 88 40 12\n\nCe message et les éventuelles pièces jointes sont confidentiels et destinés exclusivement à leurs destinataires.";
    assert_eq!(
        kept(titled),
        "Les travaux pourront commencer le 9.",
        "a title under the name and a notice under the block go with it"
    );
    let address = "Voici l'adresse du chantier :\nSCI Les Tilleuls\n12 rue des Lilas\n69003 Lyon\nTél. 04 78 12 34 56";
    assert_eq!(kept(address), address);
    assert_eq!(kept("Merci,\nHélène"), "Merci,\nHélène");
    let long_sign_off = "Parfait.\n\nBien cordialement,\n\nPaul Rousseau\nConducteur de travaux\nRousseau Électricité SARL\n3 avenue Jean Jaurès\n69007 Lyon\n06 12 34 56 78\npaul@rousseau.example\nwww.rousseau.example";
    assert_eq!(kept(long_sign_off), "Parfait.");
}

#[test]
fn html_structure_marks_the_quote_the_text_does_not_show() {
    let html = "<div>OK pour moi.</div><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\"><b>De :</b> Claire<br><b>Envoyé :</b> lundi<br><b>Objet :</b> Devis</div><div>Pouvez-vous valider ?</div>";
    let converted = crate::mail::html::convert(html);
    assert!(converted.marked);
    let t = plain(&converted.text, false);
    assert_eq!(t.kept, "OK pour moi.");
    assert_eq!(t.cuts[0].rule, Rule::HtmlQuote);
    assert!(!t.elided.contains('\u{E000}'), "marks are never shown");
}

#[test]
fn the_html_signature_is_cut_from_the_text_part_too() {
    let html = "<div dir=\"ltr\">Merci pour le devis.<br clear=\"all\"><div><br></div><span class=\"gmail_signature_prefix\">-- </span><br><div dir=\"ltr\" class=\"gmail_signature\" data-smartmail=\"gmail_signature\">Hélène Garnier<br>SCI Les Tilleuls</div></div>";
    let converted = crate::mail::html::convert(html);
    let hints = structure::hints(&converted.text);
    assert_eq!(hints.len(), 1, "{hints:?}");
    assert_eq!(
        structure::beside_text(html),
        structure::Beside::Hint(hints[0].clone()),
        "read from the source, the same hint as laid out"
    );
    let text = "Merci pour le devis.\n\nHélène Garnier\nSCI Les Tilleuls";
    let t = trim(text, &hints, false);
    assert_eq!(t.kept, "Merci pour le devis.");
    assert_eq!(t.cuts[0].rule, Rule::HtmlSignature);
    assert_eq!(
        plain(text, false).kept,
        text,
        "without the HTML, no rule cuts it"
    );
}

#[test]
fn signatures_in_english_and_german_shapes_are_cut() {
    let us = "Hi Claire,\n\nThat works, with the pergola in cedar as quoted.\n\nJennifer Walsh\nPrincipal | Walsh Design Studio\n88 Beacon Street, Suite 4\nBoston, MA 02108\n(617) 555-0142\nwww.walshdesignstudio.com<http://www.walshdesignstudio.com/>";
    assert_eq!(
        kept(us),
        "Hi Claire,\n\nThat works, with the pergola in cedar as quoted."
    );
    for sign_off in ["Liebe Grüße aus Graz", "Un abrazo,", "Φιλικά,"] {
        let text = format!("Passt so.\n\n{sign_off}\nStefan");
        assert_eq!(kept(&text), "Passt so.", "{sign_off}");
    }
    let linked = "Stuur maar door.\n\nMet vriendelijke groeten,\n\nPieter Janssens\nZaakvoerder\n\nJanssens Vastgoed BV\nKoningin Astridlaan 112 | 8200 Brugge\nT +32 50 12 34 56 | www.janssens-vastgoed.be<http://www.janssens-vastgoed.be/>\nBTW BE 0456.789.123\nDit bericht is vertrouwelijk.";
    assert_eq!(
        kept(linked),
        "Stuur maar door.",
        "a link's target is not counted in a line's length"
    );
    let es = "Le confirmo la entrega.\n\nUn cordial saludo,\n\nJavier Ortega\nPiedras Ortega S.L.";
    assert_eq!(kept(es), "Le confirmo la entrega.");
    let de = "Passt so.\n\nHans Becker\nBecker Immobilien GmbH\nHauptstraße 12\nD-10115 Berlin\nTel. +49 30 1234567";
    assert_eq!(kept(de), "Passt so.");
}

#[test]
fn hostile_texts_are_trimmed_in_one_pass() {
    // Each would take minutes if a rule looked at the whole text again at every line.
    let headers = "On Mon, Nov 3, 2025 at 2:30 PM Claire <c@a.test> wrote:\n\n".repeat(8_000);
    let delimiters = format!("Oui.\n\n{}", "> -- \n".repeat(16_000));
    let quotes = format!("Oui.\n{}", "> q\nanswer\n".repeat(8_000));
    let signatures = format!(
        "Oui.\n\n{}",
        "Paul Rousseau\n06 12 34 56 78\n".repeat(8_000)
    );
    let rules = format!("Oui.\n{}", "> q\nanswer\n______\n".repeat(8_000));
    let bottom_posts = format!(
        "Envoyé de mon iPhone\n\n{}",
        "> Le 1 janv. 2024, a@b.test a écrit :\n> x\n\u{1427}\n".repeat(8_000)
    );
    for text in [headers, delimiters, quotes, signatures, rules, bottom_posts] {
        let t = plain(&text, false);
        assert!(t.kept.len() + t.elided.len() <= text.len());
    }
}

#[test]
fn a_part_full_of_signature_containers_gives_one_hint() {
    use structure::Mark;
    let html = format!(
        "<div>Oui.</div>{}",
        "<div class=\"gmail_signature\">Paul Rousseau</div>".repeat(5_000)
    );
    let converted = crate::mail::html::convert(&html);
    let hints = structure::hints(&converted.text);
    assert_eq!(hints.len(), 1);
    assert_eq!(hints[0].mark, Mark::Signature);
}

#[test]
fn html_beside_text_is_parsed_when_a_quote_comes_before_the_signature() {
    use structure::{Beside, beside_text};
    assert_eq!(beside_text("<div>Oui.</div>"), Beside::Nothing);
    let quoted =
        "<div>Oui.</div><blockquote><div class=\"gmail_signature\">Claire</div></blockquote>";
    assert_eq!(beside_text(quoted), Beside::Parse);
    let in_text = "<div>Write gmail_signature in the class.</div>";
    assert_eq!(beside_text(in_text), Beside::Parse);
}

#[test]
fn a_gmail_header_wrapped_inside_the_address_goes_whole_in_any_language() {
    let text = "Diolch.\n\nAr Mer, 8 Ebr 2026 am 10:05, Gareth Prys (via Adeiladwyr Prys) <\nnotifications@adeiladwyr.test> ysgrifennodd:\n\n> A yw dydd Iau yn iawn?";
    assert_eq!(kept(text), "Diolch.");
}

#[test]
fn a_forward_of_a_forward_loses_both_markers_and_keeps_the_note_between() {
    let text = "Pour suite à donner.\n\n---------- Forwarded message ---------\nDe : Marc <m@x.test>\nDate: mar. 7 avr. 2026\nSubject: Fwd: Décision\nTo: Claire <c@x.test>\n\nTiens, le courrier de la mairie.\n\n---------- Forwarded message ---------\nDe : Mairie <u@m.test>\nDate: mar. 7 avr. 2026\nSubject: Décision\nTo: <m@x.test>\n\nMadame, Monsieur,\nVoici l'arrêté.";
    assert_eq!(
        plain(text, true).kept,
        "Pour suite à donner.\n\nTiens, le courrier de la mairie.\n\nMadame, Monsieur,\nVoici l'arrêté."
    );
}

#[test]
fn headers_that_name_the_author_first_cut_the_quote_under_them() {
    let horde = "Citation de Cécile Arnaud <n@m.test>:\n\n> Quelle date vous convient ?\n\nLe jeudi 16 nous convient.";
    assert_eq!(kept(horde), "Le jeudi 16 nous convient.");
    // The Bat!'s template: a greeting above its header, the answer under the quote.
    let the_bat = "Здравствуйте, Yves.\n\nВы писали 8 апреля 2026 г., 10:05:12:\n\n YB> Is the new date all right for you?\n\nНовый срок нам подходит.";
    assert_eq!(
        kept(the_bat),
        "Здравствуйте, Yves.\n\nНовый срок нам подходит."
    );
}

#[test]
fn answers_announced_in_more_languages_keep_the_questions_and_answers() {
    let text = "Tere!\n\nVastasin Teie küsimustele allpool, punasega.\n\nKadri\n\nSaatja: Julie <n@a.test>\nSaadetud: 8. aprill 2026 10:05\nAdressaat: Kadri <k@x.test>\nTeema: Aknad\n\n1. Do you want the old frames taken away?\n\nJah, palun.";
    let kept = kept(text);
    assert!(
        kept.contains("old frames") && kept.contains("Jah, palun."),
        "{kept}"
    );
    assert!(!kept.contains("Saatja"), "{kept}");
}

#[test]
fn client_sentences_that_read_like_the_new_rules_are_kept() {
    // Found in review: each of these would lose the sender's words to a rule for
    // another language's headers, footers or sign-offs.
    for (text, wanted) in [
        (
            "O orçamento está aprovado.\nClaire Moreau <c@x.test> escreveu:\n> Pode confirmar?",
            "O orçamento está aprovado.",
        ),
        (
            "U redu, hvala.\nClaire <c@x.test> je napisala:\n> Možete li potvrditi?",
            "U redu, hvala.",
        ),
        (
            "Bonjour,\n\nVous avez écrit le 12/03 :\nla pose est comprise.\nOr la facture la compte à part.",
            "Bonjour,\n\nVous avez écrit le 12/03 :\nla pose est comprise.\nOr la facture la compte à part.",
        ),
        (
            "On Mon, 6 Apr 2026, Claire <c@x.test> wrote:\n> Is Thursday OK?\n\nÜdv!\n\nIgen, jó a csütörtök.\nAnna",
            "Üdv!\n\nIgen, jó a csütörtök.\nAnna",
        ),
        (
            "Vse je v redu.\n\nИзпратено с куриер днес.",
            "Vse je v redu.\n\nИзпратено с куриер днес.",
        ),
        (
            "Nos horaires :\n\nFrom: 8am\nTo: 6pm\nAt: 14 Elm St\n\nMerci.",
            "Nos horaires :\n\nFrom: 8am\nTo: 6pm\nAt: 14 Elm St\n\nMerci.",
        ),
        (
            "Le planning :\n\nDe: 9:00\nA: 14:00\nTema: cocina",
            "Le planning :\n\nDe: 9:00\nA: 14:00\nTema: cocina",
        ),
        (
            "Bonjour,\n\nLe chantier avance.\n\nL'architecte m'a écrit :\nles fenêtres arrivent lundi.",
            "Bonjour,\n\nLe chantier avance.\n\nL'architecte m'a écrit :\nles fenêtres arrivent lundi.",
        ),
    ] {
        assert_eq!(kept(text), wanted, "{text}");
    }
}

#[test]
fn older_and_corporate_programs_headers_and_forward_markers_are_known() {
    let groupwise = "Bonne journée.\n\nIsabelle Gaudin\nMairie\n\n>>> \"Loïc\" <n@t.test> 08/04/2026 10:05 >>>\nPouvez-vous confirmer ?";
    assert_eq!(kept(groupwise), "Bonne journée.\n\nIsabelle Gaudin\nMairie");
    let thunderbird_fi = "Mathieu (via Saunas) kirjoitti 8.4.2026 klo 11.05:\n> Do you prefer the left?\n\nHei Mathieu,\nvasen puoli.";
    assert_eq!(kept(thunderbird_fi), "Hei Mathieu,\nvasen puoli.");
    let notes = "Pour information.\n\nMerci,\nMarc Petit\n\n\n----- Transféré par Marc Petit/IMMOPARC le 08/04/2026 11:20 -----\n\nDe :\tSandrine <s@c.test>\nA :\tm@i.test\nDate :\t07/04/2026 17:52\nObjet :\tAvis\n\nBonjour,\nla dalle peut être coulée.";
    assert_eq!(
        plain(notes, true).kept,
        "Pour information.\n\nMerci,\nMarc Petit\n\nBonjour,\nla dalle peut être coulée."
    );
    // A forward of an Outlook forward: the inner block has no marker, only its rule.
    let nested = "Pour ton artisan.\n\n-------- Message transféré --------\nSujet : TR: Terrasse\nDate : Wed, 8 Apr 2026 09:12:44 +0200\nDe : Claire <c@h.test>\nPour : Paul <p@x.test>\n\nVoir ci-dessous.\n\n________________________________\nDe : Nathalie <n@g.test>\nEnvoyé : mardi 7 avril 2026 17:48\nÀ : Claire <c@h.test>\nObjet : Terrasse\n\nL'assemblée a voté.";
    assert_eq!(
        plain(nested, true).kept,
        "Pour ton artisan.\n\nVoir ci-dessous.\n\nL'assemblée a voté."
    );
}
