/* Keeps the cs_cli library non-empty while the CLI grows. */
typedef int cs_cli_empty_unit;
