#include "tmm.h"

#define TMM_API __attribute__((visibility("default")))

TMM_API const char *tmm_model_name(enum tmm_model model)
{
	switch (model) {
	case TMM_M1:
		return "m:1";
	case TMM_1TO1:
		return "1:1";
	case TMM_MN:
		return "m:n";
	default:
		return 0;
	}
}
