//! Writes returned forms in code, with the layout variations of FORM.md (tests, samples, benches).
