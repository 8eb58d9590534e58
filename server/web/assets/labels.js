// Translated labels for the service's enumerations (purposes, relations, rights, status).
import { t } from './i18n.js';

export const kRelations = ['trainee', 'supervisor', 'teacher_educator', 'support_coordinator',
  'teacher', 'subject_pupil', 'guardian'];

export function purposeLabel(purpose) {
  return t(`purpose_${purpose}`);
}

export function relationLabel(relation) {
  return t(`relation_${relation}`);
}

// "view,comment" -> "bekijken, reageren"
export function rightsLabel(rights) {
  return (rights || '').split(',').filter(Boolean).map((r) => t(`right_${r}`)).join(', ');
}

export function statusLabel(recording) {
  if (recording.status === 'processing' && recording.processing_percent !== undefined) {
    return t('status_processing_percent', { n: recording.processing_percent });
  }
  return t(`status_${recording.status}`);
}

// days_left counts today: 1 means today is the last day, 0 or less that the end date has
// passed and the next sweep deletes it.
export function daysLeftLabel(days) {
  if (days <= 0) return t('days_left_due');
  if (days === 1) return t('days_left_today');
  return t('days_left', { n: days });
}
