package dev.tollgate.credits;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** A user's optional spending limits; null means no limit for that period. */
@Entity
@Table(name = "user_limit")
public class UserLimit {

    @Embeddable
    public static class Key implements Serializable {

        @Column(name = "company_id")
        private String companyId;

        @Column(name = "user_id")
        private String userId;

        protected Key() {
        }

        public Key(String companyId, String userId) {
            this.companyId = companyId;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key k && companyId.equals(k.companyId) && userId.equals(k.userId);
        }

        @Override
        public int hashCode() {
            return companyId.hashCode() * 31 + userId.hashCode();
        }
    }

    @EmbeddedId
    private Key key;

    @Column(name = "daily_credits")
    private Long dailyCredits;

    @Column(name = "monthly_credits")
    private Long monthlyCredits;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected UserLimit() {
    }

    UserLimit(Key key) {
        this.key = key;
    }

    void set(Long daily, Long monthly, Instant at) {
        this.dailyCredits = daily;
        this.monthlyCredits = monthly;
        this.updatedAt = at;
    }

    public String userId() { return key.userId; }
    public Long dailyCredits() { return dailyCredits; }
    public Long monthlyCredits() { return monthlyCredits; }
}
