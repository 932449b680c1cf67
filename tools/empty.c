/* Keeps the tools object library non-empty while it grows. */
typedef int cs_tools_empty_unit;
