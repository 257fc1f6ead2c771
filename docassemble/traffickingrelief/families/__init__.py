"""The built-in draft families. Every module or package here is imported by the registry
(``family.registered_families()``) and registers its family; nothing else lists them."""
