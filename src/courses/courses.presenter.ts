import type { listMembers } from './courses.repo.ts';

type MemberRow = Awaited<ReturnType<typeof listMembers>>[number];

export function toRosterDto(courseId: string, rows: MemberRow[]) {
  return {
    courseId,
    members: rows.map((r) => ({
      userId: r.user_id,
      name: r.name,
      email: r.email,
      role: r.role,
      addedAt: r.created_at.toISOString(),
      updatedAt: r.updated_at.toISOString(),
    })),
  };
}
