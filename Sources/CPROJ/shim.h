#ifndef CIM_CPROJ_SHIM_H
#define CIM_CPROJ_SHIM_H
#include <proj.h>
#endif
