/*
 * tmm.h — one thread API over three thread mapping models.
 *
 * (Placeholder while the schedulers land: only the model names for now.)
 */
#ifndef TMM_H
#define TMM_H

#ifdef __cplusplus
extern "C" {
#endif

enum tmm_model { TMM_MODEL_DEFAULT = 0, TMM_M1 = 1, TMM_1TO1 = 2, TMM_MN = 3 };

/* "m:1", "1:1", "m:n"; NULL for a value that names no model. */
const char *tmm_model_name(enum tmm_model model);

#ifdef __cplusplus
}
#endif
#endif /* TMM_H */
