"""Checks Factur-X PDFs with Akretion's factur-x library: each PDF given carries a
factur-x.xml that is valid against the official XSD of its profile (EN 16931) and is,
byte for byte, the XML file given beside it. Usage: check.py PDF XML [PDF XML ...]."""

import logging
import sys

import facturx
from lxml import etree

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
    print(f"{pdf_path}: factur-x.xml valid ({level})")
