package org.pytorch.executorch.annotations;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** Host build of the AAR's marker for experimental API (Kotlin's BINARY retention is CLASS). */
@Retention(RetentionPolicy.CLASS)
public @interface Experimental {}
