#ifndef CIM_CSQLITE_SHIM_H
#define CIM_CSQLITE_SHIM_H
#include <sqlite3.h>
#endif
