package trainyard.cli;

/** {@code --output}: tables and sentences for people, or the server's JSON for scripts. */
public enum OutputFormat { text, json }
