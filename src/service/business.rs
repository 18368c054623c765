//! The business profile: who sells, as its documents name it. The configuration file's
//! `[business]` table gives the starting profile; once staff save the settings page,
//! the saved profile is the one used. Only staff read or change it here (clients see it
//! printed on their documents).

use crate::domain::BusinessProfile;
use crate::error::Result;

use super::Services;
use super::directory::Operator;

impl Services {
    /// The profile documents are made with: the saved one, or the configured one.
    pub fn business_profile(&self) -> Result<BusinessProfile> {
        Ok(self
            .store
            .business_profile()?
            .unwrap_or_else(|| (*self.configured_business).clone()))
    }

    /// Checks and saves the profile (staff, or the command line).
    pub fn set_business_profile(
        &self,
        _op: &Operator,
        profile: BusinessProfile,
    ) -> Result<BusinessProfile> {
        let profile = profile.checked().map_err(crate::Error::Invalid)?;
        self.store.set_business_profile(&profile)?;
        Ok(profile)
    }
}

impl Services {
    /// Replaces a client's billing details (staff).
    pub fn set_billing(
        &self,
        _op: &Operator,
        client: crate::domain::ClientId,
        billing: crate::domain::Billing,
    ) -> Result<crate::domain::Client> {
        let billing = billing.checked().map_err(crate::Error::Invalid)?;
        self.store.set_billing(client, &billing)
    }
}

impl Services {
    /// One client, to edit its billing details (staff).
    pub fn client_record(
        &self,
        _op: &Operator,
        client: crate::domain::ClientId,
    ) -> Result<crate::domain::Client> {
        self.store.client(client)?.ok_or(crate::Error::NotFound)
    }
}
