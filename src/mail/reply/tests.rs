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
fn bottom_posted_and_inline_replies_keep_the_answer() {
    let bottom = "On Mon, Nov 3, 2025, Claire wrote:\n> Can you confirm?\n\nYes, confirmed.";
    assert_eq!(kept(bottom), "Yes, confirmed.");
    let inline = "On Mon, Claire wrote:\n> First question?\nFirst answer.\n> Second question?\nSecond answer.";
    assert_eq!(
        kept(inline),
        "> First question?\nFirst answer.\n> Second question?\nSecond answer."
    );
}

#[test]
fn a_forward_keeps_the_forwarded_message() {
    let text = "Pour info.\n\n---------- Forwarded message ----------\nFrom: Fournisseur <f@x.test>\nDate: lun. 3 nov.\nSubject: Livraison\nTo: Claire <c@a.test>\n\nLivraison jeudi.";
    assert_eq!(kept(text), "Pour info.\n\n\nLivraison jeudi.");
    let outlook = "Voir ci-dessous.\n\nFrom: Fournisseur\nSent: Monday\nTo: Claire\nSubject: Livraison\n\nLivraison jeudi.";
    assert_eq!(
        plain(outlook, true).kept,
        outlook,
        "a forward without marker keeps its block"
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
