// JSONValue is part of this module's public API (inputs and bodies are read and written through it), so a
// caller that imports this module can name it without importing the leaf module too.
@_exported import WireValues
