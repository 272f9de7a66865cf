package dev.tollgate.chat;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * A user's chat text: at most {@code tollgate.chat.max-query-chars} characters (configured, so
 * a deployment can match its model's context), and no control characters besides tab and line
 * breaks (they carry nothing a person typed, and NUL breaks the services behind).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER, ElementType.RECORD_COMPONENT, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ChatText.Check.class)
public @interface ChatText {

    String message() default "must be at most {max} characters of text without control characters";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<ChatText, String> {

        @Override
        public boolean isValid(String text, ConstraintValidatorContext context) {
            if (text == null) {
                return true;
            }
            int max = ConfigProvider.getConfig().getOptionalValue("tollgate.chat.max-query-chars", Integer.class)
                    .orElse(16000);
            if (text.length() > max) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must be at most " + max + " characters")
                        .addConstraintViolation();
                return false;
            }
            if (text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate("must not contain control characters")
                        .addConstraintViolation();
                return false;
            }
            return true;
        }
    }
}
