//! The business profile as staff saved it: one value in the `meta` tree, written in one
//! transaction.

use super::{Store, Tree};
use crate::domain::BusinessProfile;
use crate::error::Result;

const PROFILE: &[u8] = b"business/profile";

impl Store {
    /// The saved business profile, if staff saved one.
    pub fn business_profile(&self) -> Result<Option<BusinessProfile>> {
        self.get(Tree::Meta, PROFILE)
    }

    /// Saves the business profile.
    pub fn set_business_profile(&self, profile: &BusinessProfile) -> Result<()> {
        self.write(|tx| tx.put(Tree::Meta, PROFILE, profile))
    }
}
