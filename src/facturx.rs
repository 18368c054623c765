//! An invoice or a credit note as UN/CEFACT Cross Industry Invoice XML, profile EN 16931
//! (`factur-x.xml`, the data a Factur-X PDF carries). Amounts come from the document's
//! own totals (integer cents, VAT per rate), so the XML and the PDF say the same
//! figures. Text is escaped by quick-xml; the element order is the CII schema's.

use quick_xml::escape::escape;

use crate::domain::{
    Billing, BusinessProfile, Cents, DocKind, Document, Issued, Line, PostalAddress, VatRate,
};

/// The profile's identifier (BT-24).
pub const EN16931: &str = "urn:cen.eu:en16931:2017";

/// A small writer of nested elements.
struct Xml(String);

impl Xml {
    fn open(&mut self, tag: &str) {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push('>');
    }

    fn close(&mut self, tag: &str) {
        self.0.push_str("</");
        self.0.push_str(tag);
        self.0.push('>');
    }

    fn leaf(&mut self, tag: &str, text: &str) {
        self.open(tag);
        self.0.push_str(&escape(text));
        self.close(tag);
    }

    fn leaf_with(&mut self, tag: &str, attribute: (&str, &str), text: &str) {
        self.0.push('<');
        self.0.push_str(tag);
        self.0.push(' ');
        self.0.push_str(attribute.0);
        self.0.push_str("=\"");
        self.0.push_str(&escape(attribute.1));
        self.0.push_str("\">");
        self.0.push_str(&escape(text));
        self.close(tag);
    }

    fn date(&mut self, tag: &str, day: chrono::NaiveDate) {
        self.open(tag);
        self.leaf_with(
            "udt:DateTimeString",
            ("format", "102"),
            &day.format("%Y%m%d").to_string(),
        );
        self.close(tag);
    }
}

/// `1234.50`: an amount as CII writes it.
fn amount(cents: Cents) -> String {
    cents.to_string()
}

/// A rate as CII writes it: `20`, `5.5`.
fn percent(rate: VatRate) -> String {
    let (whole, frac) = (rate.0 / 100, rate.0 % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// The UN/ECE recommendation 20 code of a unit as people type it.
fn unit_code(unit: &str) -> &'static str {
    match unit.trim().to_lowercase().as_str() {
        "h" | "heure" | "heures" => "HUR",
        "j" | "jour" | "jours" => "DAY",
        "m²" | "m2" => "MTK",
        "m³" | "m3" => "MTQ",
        "m" | "ml" => "MTR",
        "kg" => "KGM",
        "l" => "LTR",
        "forfait" | "ens" | "ensemble" => "LS",
        _ => "C62",
    }
}

/// The VAT category (BT-151): standard, exempt (franchise en base), or reverse charge.
fn category(seller: &BusinessProfile, doc: &Document, rate: VatRate) -> &'static str {
    if doc.terms.reverse_charge {
        "AE"
    } else if seller.vat_exempt {
        "E"
    } else if rate == VatRate(0) {
        "Z"
    } else {
        "S"
    }
}

fn address(x: &mut Xml, a: &PostalAddress) {
    x.open("ram:PostalTradeAddress");
    if !a.postcode.is_empty() {
        x.leaf("ram:PostcodeCode", &a.postcode);
    }
    if !a.line1.is_empty() {
        x.leaf("ram:LineOne", &a.line1);
    }
    if !a.line2.is_empty() {
        x.leaf("ram:LineTwo", &a.line2);
    }
    if !a.city.is_empty() {
        x.leaf("ram:CityName", &a.city);
    }
    x.leaf(
        "ram:CountryID",
        if a.country.is_empty() {
            "FR"
        } else {
            &a.country
        },
    );
    x.close("ram:PostalTradeAddress");
}

fn party(
    x: &mut Xml,
    tag: &str,
    name: &str,
    siren: &str,
    billing_address: &PostalAddress,
    vat: &str,
) {
    x.open(tag);
    x.leaf("ram:Name", name);
    if !siren.is_empty() {
        x.open("ram:SpecifiedLegalOrganization");
        x.leaf_with("ram:ID", ("schemeID", "0002"), siren);
        x.close("ram:SpecifiedLegalOrganization");
    }
    address(x, billing_address);
    if !vat.is_empty() {
        x.open("ram:SpecifiedTaxRegistration");
        x.leaf_with("ram:ID", ("schemeID", "VA"), vat);
        x.close("ram:SpecifiedTaxRegistration");
    }
    x.close(tag);
}

fn line(x: &mut Xml, i: usize, l: &Line, seller: &BusinessProfile, doc: &Document) {
    // EN 16931 wants a net price that is not negative (BR-27): a deduction is a
    // negative quantity at a positive price.
    let (quantity, price) = if l.unit_price.0 < 0 {
        (-l.quantity.0, Cents(-l.unit_price.0))
    } else {
        (l.quantity.0, l.unit_price)
    };
    let qty = format!(
        "{}{}.{:03}",
        if quantity < 0 { "-" } else { "" },
        quantity.unsigned_abs() / 1000,
        quantity.unsigned_abs() % 1000
    );
    x.open("ram:IncludedSupplyChainTradeLineItem");
    x.open("ram:AssociatedDocumentLineDocument");
    x.leaf("ram:LineID", &(i + 1).to_string());
    x.close("ram:AssociatedDocumentLineDocument");
    x.open("ram:SpecifiedTradeProduct");
    x.leaf("ram:Name", &l.description);
    x.close("ram:SpecifiedTradeProduct");
    x.open("ram:SpecifiedLineTradeAgreement");
    x.open("ram:NetPriceProductTradePrice");
    x.leaf("ram:ChargeAmount", &amount(price));
    x.close("ram:NetPriceProductTradePrice");
    x.close("ram:SpecifiedLineTradeAgreement");
    x.open("ram:SpecifiedLineTradeDelivery");
    x.leaf_with("ram:BilledQuantity", ("unitCode", unit_code(&l.unit)), &qty);
    x.close("ram:SpecifiedLineTradeDelivery");
    x.open("ram:SpecifiedLineTradeSettlement");
    x.open("ram:ApplicableTradeTax");
    x.leaf("ram:TypeCode", "VAT");
    x.leaf("ram:CategoryCode", category(seller, doc, l.vat_rate));
    x.leaf("ram:RateApplicablePercent", &percent(l.vat_rate));
    x.close("ram:ApplicableTradeTax");
    x.open("ram:SpecifiedTradeSettlementLineMonetarySummation");
    x.leaf("ram:LineTotalAmount", &amount(l.amount()));
    x.close("ram:SpecifiedTradeSettlementLineMonetarySummation");
    x.close("ram:SpecifiedLineTradeSettlement");
    x.close("ram:IncludedSupplyChainTradeLineItem");
}

/// The CII XML of issued invoice or credit note `doc`, among the dossier's documents
/// `related` (where a credit note's invoice is). `None` for a document that is not an
/// issued invoice or credit note.
pub fn cii(doc: &Document, related: &[Document]) -> Option<String> {
    let corrected = doc.source.and_then(|id| {
        related
            .iter()
            .find(|d| d.id == id && d.kind() == DocKind::Invoice)
    });
    let Issued { seller, buyer, .. } = doc.issued.as_ref()?;
    let type_code = match (doc.kind(), doc.deposit.is_some()) {
        (DocKind::Invoice, true) => "386",
        (DocKind::Invoice, false) => "380",
        (DocKind::CreditNote, _) => "381",
        _ => return None,
    };
    let totals = doc.totals();
    let mut x = Xml(String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#));
    x.0.push_str(concat!(
        r#"<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100""#,
        r#" xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100""#,
        r#" xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100""#,
        r#" xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">"#,
    ));
    x.open("rsm:ExchangedDocumentContext");
    x.open("ram:GuidelineSpecifiedDocumentContextParameter");
    x.leaf("ram:ID", EN16931);
    x.close("ram:GuidelineSpecifiedDocumentContextParameter");
    x.close("rsm:ExchangedDocumentContext");

    x.open("rsm:ExchangedDocument");
    x.leaf("ram:ID", &doc.number.to_string());
    x.leaf("ram:TypeCode", type_code);
    x.date("ram:IssueDateTime", doc.date);
    let mut notes = vec![(
        "PMD",
        format!(
            "En cas de retard de paiement, pénalités au taux de {} ; pas d'escompte pour paiement anticipé.",
            seller.late_rate()
        ),
    )];
    if buyer.company {
        notes.push((
            "PMT",
            "Indemnité forfaitaire pour frais de recouvrement : 40 €.".into(),
        ));
    }
    if !doc.terms.note.is_empty() {
        notes.push(("AAI", doc.terms.note.clone()));
    }
    for (code, text) in notes {
        x.open("ram:IncludedNote");
        x.leaf("ram:Content", &text);
        x.leaf("ram:SubjectCode", code);
        x.close("ram:IncludedNote");
    }
    x.close("rsm:ExchangedDocument");

    x.open("rsm:SupplyChainTradeTransaction");
    for (i, l) in doc.lines.iter().enumerate() {
        line(&mut x, i, l, seller, doc);
    }
    x.open("ram:ApplicableHeaderTradeAgreement");
    let seller_name = if seller.legal_name.is_empty() {
        "—"
    } else {
        &seller.legal_name
    };
    party(
        &mut x,
        "ram:SellerTradeParty",
        seller_name,
        seller.siren(),
        &seller.address,
        &seller.vat_number,
    );
    let Billing {
        address: buyer_address,
        delivery,
        siren,
        vat_number,
    } = &buyer.billing;
    party(
        &mut x,
        "ram:BuyerTradeParty",
        &buyer.name,
        siren,
        buyer_address,
        vat_number,
    );
    x.close("ram:ApplicableHeaderTradeAgreement");

    x.open("ram:ApplicableHeaderTradeDelivery");
    if !delivery.is_empty() {
        x.open("ram:ShipToTradeParty");
        x.leaf("ram:Name", &buyer.name);
        address(&mut x, delivery);
        x.close("ram:ShipToTradeParty");
    }
    x.close("ram:ApplicableHeaderTradeDelivery");

    x.open("ram:ApplicableHeaderTradeSettlement");
    x.leaf("ram:InvoiceCurrencyCode", "EUR");
    if !seller.iban.is_empty() {
        x.open("ram:SpecifiedTradeSettlementPaymentMeans");
        x.leaf("ram:TypeCode", "58");
        x.open("ram:PayeePartyCreditorFinancialAccount");
        x.leaf("ram:IBANID", &seller.iban);
        x.close("ram:PayeePartyCreditorFinancialAccount");
        x.close("ram:SpecifiedTradeSettlementPaymentMeans");
    }
    for vat in &totals.vat {
        let code = category(seller, doc, vat.rate);
        x.open("ram:ApplicableTradeTax");
        x.leaf("ram:CalculatedAmount", &amount(vat.vat));
        x.leaf("ram:TypeCode", "VAT");
        match code {
            "AE" => x.leaf(
                "ram:ExemptionReason",
                "Autoliquidation (art. 283-2 nonies du CGI)",
            ),
            "E" => x.leaf(
                "ram:ExemptionReason",
                "TVA non applicable, art. 293 B du CGI",
            ),
            _ => {}
        }
        x.leaf("ram:BasisAmount", &amount(vat.base));
        x.leaf("ram:CategoryCode", code);
        if code == "AE" {
            x.leaf("ram:ExemptionReasonCode", "VATEX-EU-AE");
        }
        x.leaf("ram:RateApplicablePercent", &percent(vat.rate));
        x.close("ram:ApplicableTradeTax");
    }
    x.open("ram:SpecifiedTradePaymentTerms");
    let terms = if doc.terms.payment.is_empty() {
        "Virement".to_string()
    } else {
        doc.terms.payment.clone()
    };
    x.leaf("ram:Description", &terms);
    if let Some(due) = doc.terms.due {
        x.date("ram:DueDateDateTime", due);
    }
    x.close("ram:SpecifiedTradePaymentTerms");
    let vat_total = Cents(totals.vat.iter().map(|v| v.vat.0).sum());
    x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    x.leaf("ram:LineTotalAmount", &amount(totals.before_tax));
    x.leaf("ram:TaxBasisTotalAmount", &amount(totals.before_tax));
    x.leaf_with(
        "ram:TaxTotalAmount",
        ("currencyID", "EUR"),
        &amount(vat_total),
    );
    x.leaf("ram:GrandTotalAmount", &amount(totals.total));
    x.leaf("ram:DuePayableAmount", &amount(totals.total));
    x.close("ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    if let Some(invoice) = corrected {
        x.open("ram:InvoiceReferencedDocument");
        x.leaf("ram:IssuerAssignedID", &invoice.number.to_string());
        x.open("ram:FormattedIssueDateTime");
        x.leaf_with(
            "qdt:DateTimeString",
            ("format", "102"),
            &invoice.date.format("%Y%m%d").to_string(),
        );
        x.close("ram:FormattedIssueDateTime");
        x.close("ram:InvoiceReferencedDocument");
    }
    x.close("ram:ApplicableHeaderTradeSettlement");
    x.close("rsm:SupplyChainTradeTransaction");
    x.close("rsm:CrossIndustryInvoice");
    Some(x.0)
}

/// The Factur-X properties of the XMP metadata (Factur-X 1.07, § 6.2.2): the PDF/A
/// extension schema that declares them, then their values.
fn facturx_xmp() -> String {
    let property = |name: &str, kind: &str, description: &str| {
        format!(
            "<rdf:li rdf:parseType=\"Resource\"><pdfaProperty:name>{name}</pdfaProperty:name>\
             <pdfaProperty:valueType>Text</pdfaProperty:valueType>\
             <pdfaProperty:category>{kind}</pdfaProperty:category>\
             <pdfaProperty:description>{description}</pdfaProperty:description></rdf:li>"
        )
    };
    format!(
        "<rdf:Description rdf:about=\"\" \
         xmlns:pdfaExtension=\"http://www.aiim.org/pdfa/ns/extension/\" \
         xmlns:pdfaSchema=\"http://www.aiim.org/pdfa/ns/schema#\" \
         xmlns:pdfaProperty=\"http://www.aiim.org/pdfa/ns/property#\">\
         <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\
         <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>\
         <pdfaSchema:namespaceURI>{NS}</pdfaSchema:namespaceURI>\
         <pdfaSchema:prefix>fx</pdfaSchema:prefix>\
         <pdfaSchema:property><rdf:Seq>{}{}{}{}</rdf:Seq></pdfaSchema:property>\
         </rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>\
         <rdf:Description rdf:about=\"\" xmlns:fx=\"{NS}\">\
         <fx:DocumentType>INVOICE</fx:DocumentType>\
         <fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>\
         <fx:Version>1.0</fx:Version>\
         <fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>\
         </rdf:Description>",
        property(
            "DocumentFileName",
            "external",
            "The name of the embedded XML document"
        ),
        property(
            "DocumentType",
            "external",
            "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"
        ),
        property(
            "Version",
            "external",
            "The actual version of the standard applying to the embedded XML document"
        ),
        property(
            "ConformanceLevel",
            "external",
            "The conformance level of the embedded XML document"
        ),
    )
}

/// The Factur-X namespace of the XMP properties.
const NS: &str = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#";

/// `pdf` with the Factur-X properties added to its XMP metadata, as an incremental
/// update (the bytes krilla wrote stay as they are; PDF/A allows the update).
pub fn with_facturx_metadata(pdf: Vec<u8>) -> crate::Result<Vec<u8>> {
    let broken = |what: &str| crate::Error::storage(format!("the Factur-X metadata: {what}"));
    let previous = lopdf::Document::load_mem(&pdf).map_err(|e| broken(&e.to_string()))?;
    let metadata = previous
        .catalog()
        .and_then(|c| c.get(b"Metadata"))
        .and_then(|m| m.as_reference())
        .map_err(|e| broken(&e.to_string()))?;
    let xmp = match previous.get_object(metadata) {
        Ok(lopdf::Object::Stream(stream)) => stream
            .get_plain_content()
            .map_err(|e| broken(&e.to_string()))?,
        _ => return Err(broken("no metadata stream")),
    };
    let xmp = String::from_utf8(xmp).map_err(|_| broken("metadata not UTF-8"))?;
    let end = xmp
        .rfind("</rdf:RDF>")
        .ok_or_else(|| broken("no rdf:RDF"))?;
    let updated = format!("{}{}{}", &xmp[..end], facturx_xmp(), &xmp[end..]);
    let mut update = lopdf::IncrementalDocument::create_from(pdf.clone(), previous);
    update
        .opt_clone_object_to_new_document(metadata)
        .map_err(|e| broken(&e.to_string()))?;
    match update.new_document.get_object_mut(metadata) {
        Ok(lopdf::Object::Stream(stream)) => stream.set_plain_content(updated.into_bytes()),
        _ => return Err(broken("no metadata stream to update")),
    }
    let mut out = Vec::with_capacity(pdf.len() + 8192);
    update
        .save_to(&mut out)
        .map_err(|e| broken(&e.to_string()))?;
    Ok(out)
}
