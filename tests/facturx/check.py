"""Checks Factur-X PDFs with Akretion's factur-x library: each PDF given carries a
factur-x.xml that is valid against the official XSD of its profile (EN 16931) and is,
byte for byte, the XML file given beside it; its XMP metadata (read with pypdf, the
library's own PDF reader) declares Factur-X, its file name and its conformance level.
Usage: check.py PDF XML [PDF XML ...]."""

import io
import logging
import sys

import facturx
import pypdf
from lxml import etree

FX = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

logging.disable(logging.WARNING)
args = sys.argv[1:]
for pdf_path, xml_path in zip(args[0::2], args[1::2]):
    pdf = open(pdf_path, "rb").read()
    xml = open(xml_path, "rb").read()
    name, carried = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    if name != "factur-x.xml" or carried != xml:
        sys.exit(f"{pdf_path}: carries {name!r}, not the document's XML")
    tree = etree.fromstring(xml)
    level = facturx.get_level(tree)
    if level != "en16931":
        sys.exit(f"{xml_path}: profile {level}, not EN 16931")
    facturx.xml_check_xsd(tree, flavor="factur-x", level="en16931")
    xmp = etree.fromstring(pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/Metadata"].get_data())
    said = {name: xmp.findtext(f".//{{{FX}}}{name}") for name in
            ("DocumentType", "DocumentFileName", "Version", "ConformanceLevel")}
    if said != {"DocumentType": "INVOICE", "DocumentFileName": "factur-x.xml",
                "Version": "1.0", "ConformanceLevel": "EN 16931"}:
        sys.exit(f"{pdf_path}: its XMP says {said}")
    if b"Factur-X PDFA Extension Schema" not in etree.tostring(xmp):
        sys.exit(f"{pdf_path}: its XMP does not declare the Factur-X extension schema")
    print(f"{pdf_path}: factur-x.xml valid ({level})")
