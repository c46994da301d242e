#ifndef CIM_CPOSTGRES_SHIM_H
#define CIM_CPOSTGRES_SHIM_H
#include <libpq-fe.h>
#endif
