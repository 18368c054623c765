//! Invitations: each in its own e-mail with the method it says, and an event's
//! notification carrying one that calendars accept.

use chrono::Utc;
use dossier::domain::ClientKind;
use mail_parser::{MessageParser, MimeHeaders};

use super::{folder_notifier, post};
use crate::helpers::{World, event_draft};

#[test]
fn each_invitation_travels_in_its_own_email_with_the_method_it_says() {
    let world = World::build(ClientKind::Company);
    let s = world.services();
    let notifier = folder_notifier(&world, 0);
    notifier.prepare(Utc::now()).unwrap();
    let before = s.store().out_mails(1000).unwrap().len();
    post(s, &world.staff, &world, "Deux rendez-vous");
    let second = s
        .add_event(&world.staff, world.dossier.id, event_draft())
        .unwrap();
    s.cancel_event(&world.staff, world.dossier.id, second.id)
        .unwrap();
    s.add_event(&world.staff, world.dossier.id, event_draft())
        .unwrap();
    notifier.prepare(Utc::now()).unwrap();
    let mails = s.store().out_mails(1000).unwrap();
    let new: Vec<_> = mails[..mails.len() - before]
        .iter()
        .filter(|m| m.recipient.as_str() == "helene@client.test")
        .collect();
    let mut methods = Vec::new();
    for mail in &new {
        let raw = s.store().out_raw(mail).unwrap();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        let parts: Vec<_> = parsed
            .attachments()
            .filter(|a| {
                a.content_type()
                    .is_some_and(|t| t.subtype() == Some("calendar"))
            })
            .collect();
        assert!(parts.len() <= 1, "one invitation per e-mail");
        if let Some(part) = parts.first() {
            let said = part
                .content_type()
                .unwrap()
                .attribute("method")
                .unwrap()
                .to_string();
            let text = String::from_utf8_lossy(part.contents()).to_string();
            assert!(text.contains(&format!("METHOD:{said}")), "{said}: {text}");
            assert!(text.contains("PRODID:-//Dossier//"), "{text}");
            methods.push(said);
        }
    }
    methods.sort();
    assert_eq!(
        methods,
        ["CANCEL", "REQUEST"],
        "an event added then cancelled is told once, cancelled"
    );
    assert_eq!(new.len(), 3, "the message, then each invitation apart");
}

#[test]
fn an_event_notification_carries_an_invitation_calendars_accept() {
    use icalendar::Component;
    let world = World::build(ClientKind::Company);
    let s = world.services();
    let notifier = folder_notifier(&world, 0);
    notifier.prepare(Utc::now()).unwrap();
    let ics_of = |mail_index_from_end: usize| -> icalendar::Calendar {
        let mails = s.store().out_mails(1000).unwrap();
        let mail = mails
            .iter()
            .filter(|m| m.recipient.as_str() == "helene@client.test")
            .nth(mail_index_from_end)
            .unwrap();
        let raw = s.store().out_raw(mail).unwrap();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        let part = parsed
            .attachments()
            .find(|a| a.attachment_name() == Some("invite.ics"))
            .expect("invite.ics");
        let text = String::from_utf8(part.contents().to_vec()).unwrap();
        text.parse::<icalendar::Calendar>()
            .expect("the invitation parses")
    };
    let calendar = ics_of(0);
    let event = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .unwrap();
    assert_eq!(event.get_uid(), Some(world.event.uid.as_str()));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(event.get_summary(), Some("Visite"));
    let start = format!("{:?}", event.get_start().unwrap());
    assert!(
        start.contains("2026-03-10T08:00:00Z") || start.contains("Utc"),
        "{start}"
    );
    assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
    assert_eq!(
        event.property_value("ORGANIZER"),
        Some("mailto:notifications@dossier.test")
    );
    s.update_event(
        &world.staff,
        world.dossier.id,
        world.event.id,
        event_draft(),
    )
    .unwrap();
    s.cancel_event(&world.staff, world.dossier.id, world.event.id)
        .unwrap();
    notifier.prepare(Utc::now()).unwrap();
    let cancelled = ics_of(0);
    let event = cancelled
        .components
        .iter()
        .find_map(|c| c.as_event())
        .unwrap();
    assert_eq!(
        event.get_uid(),
        Some(world.event.uid.as_str()),
        "the same UID"
    );
    assert_eq!(event.get_sequence(), Some(2), "raised on every change");
    assert_eq!(cancelled.property_value("METHOD"), Some("CANCEL"));
}
