/* sandbox-formula.c — placeholder until the evaluator lands */
#include "sandbox-formula.h"
G_DEFINE_QUARK (sandbox-formula-error-quark, sandbox_formula_error)
