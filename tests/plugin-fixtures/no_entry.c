/* A shared object that is not a plugin: it exports a function, but no bciin entry symbol. */
int fixture_not_a_plugin(int x) { return x + 1; }
